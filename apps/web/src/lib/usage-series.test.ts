import type { UsagePoint, UsageTimeseries } from '@tokenflow/api'
import { describe, expect, it } from 'vitest'
import { toMix, toTimeline } from './usage-series'

const point = (start: string, group: string | null, requests: number): UsagePoint => ({
  start,
  group,
  requests,
  errors: 0,
  errorRate: 0,
  promptTokens: 0,
  completionTokens: 0,
  costUsd: requests / 100,
  savedTokens: 0,
  savedUsd: 0,
  ttftP50Ms: 100,
  ttftP95Ms: 200,
})

const series = (
  points: UsagePoint[],
  overrides: Partial<UsageTimeseries> = {},
): UsageTimeseries => ({
  from: '2025-03-01T10:30:00.000Z',
  to: '2025-03-01T14:30:00.000Z',
  bucket: 'hour',
  groupBy: 'none',
  points,
  ...overrides,
})

describe('toTimeline', () => {
  it('fills every hour of the period, quiet ones with zero spend and no latency', () => {
    const rows = toTimeline(series([point('2025-03-01T12:00:00Z', null, 4)]))
    expect(rows.map((row) => new Date(row.start).toISOString())).toEqual([
      '2025-03-01T10:00:00.000Z',
      '2025-03-01T11:00:00.000Z',
      '2025-03-01T12:00:00.000Z',
      '2025-03-01T13:00:00.000Z',
      '2025-03-01T14:00:00.000Z',
    ])
    expect(rows[1]).toMatchObject({ requests: 0, costUsd: 0, ttftP50Ms: null, errorRate: null })
    expect(rows[2]).toMatchObject({ requests: 4, costUsd: 0.04, ttftP50Ms: 100, errorRate: 0 })
  })

  it('buckets days from UTC midnight', () => {
    const rows = toTimeline(
      series([], { from: '2025-03-01T18:00:00Z', to: '2025-03-03T06:00:00Z', bucket: 'day' }),
    )
    expect(rows.map((row) => new Date(row.start).toISOString().slice(0, 10))).toEqual([
      '2025-03-01',
      '2025-03-02',
      '2025-03-03',
    ])
  })
})

describe('toMix', () => {
  it('stacks requests per group, largest group first, naming requests without one', () => {
    const mix = toMix(
      series([
        point('2025-03-01T11:00:00Z', 'math', 2),
        point('2025-03-01T11:00:00Z', 'code', 3),
        point('2025-03-01T12:00:00Z', 'code', 5),
        point('2025-03-01T12:00:00Z', null, 1),
      ]),
    )
    expect(mix.series).toEqual([
      { key: 's0', label: 'code', total: 8 },
      { key: 's1', label: 'math', total: 2 },
      { key: 's2', label: '(none)', total: 1 },
    ])
    expect(mix.rows).toHaveLength(5)
    expect(mix.rows[1]).toEqual({ start: Date.parse('2025-03-01T11:00:00Z'), s0: 3, s1: 2, s2: 0 })
    expect(mix.rows[0]).toMatchObject({ s0: 0, s1: 0, s2: 0 })
  })

  it('folds the smallest groups into "other" past the limit', () => {
    const at = '2025-03-01T12:00:00Z'
    const mix = toMix(
      series([point(at, 'a', 5), point(at, 'b', 4), point(at, 'c', 2), point(at, 'd', 1)]),
      3,
    )
    expect(mix.series.map((s) => [s.label, s.total])).toEqual([
      ['a', 5],
      ['b', 4],
      ['other', 3],
    ])
    expect(mix.rows[2]).toMatchObject({ s0: 5, s1: 4, s2: 3 })
  })
})
