import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import type {
  UsagePoint,
  UsageService,
  UsageSummary,
  UsageSummaryInput,
  UsageTimeseriesInput,
  UsageTotals,
} from '@tokenflow/api'
import { TRPCError } from '@trpc/server'
import { afterEach, describe, expect, it } from 'vitest'
import { renderWithServices } from '../test/render-with-services'
import { UsageView } from './usage-view'

const HOUR = 3_600_000

const totals = (overrides: Partial<UsageTotals> = {}): UsageTotals => ({
  requests: 0,
  errors: 0,
  errorRate: 0,
  promptTokens: 0,
  completionTokens: 0,
  costUsd: 0,
  savedTokens: 0,
  savedUsd: 0,
  ttftP50Ms: null,
  ttftP95Ms: null,
  ...overrides,
})

const summaryOf = (input: UsageSummaryInput, overrides: Partial<UsageTotals>): UsageSummary => ({
  from: input.from ?? new Date(Date.now() - 24 * HOUR).toISOString(),
  to: input.to ?? new Date().toISOString(),
  ...totals(overrides),
})

/** Two hours of traffic, two hours before the period ends: code and math, on two models. */
const pointsFor = (input: UsageTimeseriesInput): UsagePoint[] => {
  const end = Date.parse(input.to ?? new Date().toISOString())
  const start = (hoursBack: number) =>
    new Date(Math.floor((end - hoursBack * HOUR) / HOUR) * HOUR).toISOString()
  const point = (hoursBack: number, group: string | null, requests: number): UsagePoint => ({
    ...totals({ requests, costUsd: requests * 0.01, savedUsd: requests * 0.002 }),
    start: start(hoursBack),
    group,
  })
  switch (input.groupBy) {
    case 'category':
      return [point(2, 'code', 20), point(2, 'math', 5), point(1, 'code', 10), point(1, null, 5)]
    case 'model':
      return [point(2, 'groq/llama-3.3-70b-versatile', 25), point(1, 'openai/gpt-4o-mini', 15)]
    default:
      return [
        { ...point(2, null, 25), ttftP50Ms: 180, ttftP95Ms: 420, errors: 1, errorRate: 0.04 },
        { ...point(1, null, 15), ttftP50Ms: 210, ttftP95Ms: 650 },
      ]
  }
}

const busyUsage = (received: UsageTimeseriesInput[] = []): UsageService => ({
  summary: async (input) =>
    summaryOf(input, {
      requests: 40,
      errors: 1,
      errorRate: 0.025,
      promptTokens: 12_000,
      completionTokens: 3_400,
      costUsd: 0.4,
      savedTokens: 5_000,
      savedUsd: 0.08,
      ttftP50Ms: 190,
      ttftP95Ms: 640,
    }),
  timeseries: async (input) => {
    received.push(input)
    return {
      from: input.from ?? '',
      to: input.to ?? '',
      bucket: input.bucket ?? 'hour',
      groupBy: input.groupBy ?? 'none',
      points: pointsFor(input),
    }
  },
})

const chart = (title: string) => screen.getByRole('figure', { name: title })

afterEach(cleanup)

describe('UsageView', () => {
  it('shows the totals of the period', async () => {
    renderWithServices(<UsageView />, { usage: busyUsage() })
    const stats = await screen.findByLabelText('Usage totals')
    const value = (term: string) =>
      within(stats).getByText(term).closest('div')?.querySelector('dd')?.textContent
    expect(value('Requests')).toBe('40')
    expect(value('Cost')).toMatch(/^\$0\.40/)
    expect(value('Cost')).toMatch(/12,000 in · 3,400 out/)
    expect(value('Saved')).toMatch(/^\$0\.08.*5,000 tokens/)
    expect(value('Error rate')).toMatch(/^2\.5%.*1 error$/)
    expect(value('TTFT p50')).toBe('190 ms')
    expect(value('TTFT p95')).toBe('640 ms')
  })

  it('draws spend, the routing mix, latency and errors from the time series', async () => {
    renderWithServices(<UsageView />, { usage: busyUsage() })
    await screen.findByLabelText('Usage totals')
    for (const title of [
      'Spend and savings',
      'Routing mix by category',
      'Routing mix by model',
      'Time to first token',
      'Error rate',
    ]) {
      await waitFor(() => expect(chart(title).querySelector('svg.recharts-surface')).toBeTruthy())
    }
    // The mix sums each group over the period; requests without a category show as "(none)".
    const categories = chart('Routing mix by category')
    expect(within(categories).getByText('code (30)')).toBeTruthy()
    expect(within(categories).getByText('math (5)')).toBeTruthy()
    expect(within(categories).getByText('(none) (5)')).toBeTruthy()
    const models = chart('Routing mix by model')
    expect(within(models).getByText('groq/llama-3.3-70b-versatile (25)')).toBeTruthy()
    expect(within(models).getByText('openai/gpt-4o-mini (15)')).toBeTruthy()
    // A bar per bucket of the 24 hours, the quiet ones included, stacked per group.
    await waitFor(() =>
      expect(categories.querySelectorAll('.recharts-bar-rectangle').length).toBeGreaterThan(0),
    )
    expect(within(chart('Spend and savings')).getByText('Spent')).toBeTruthy()
    expect(within(chart('Time to first token')).getByText('p95')).toBeTruthy()
  })

  it('asks for hour buckets over 24 hours and day buckets over 7 days', async () => {
    const received: UsageTimeseriesInput[] = []
    renderWithServices(<UsageView />, { usage: busyUsage(received) })
    await screen.findByLabelText('Usage totals')
    expect(received.map((input) => [input.bucket, input.groupBy ?? 'none']).sort()).toEqual([
      ['hour', 'category'],
      ['hour', 'model'],
      ['hour', 'none'],
    ])
    const first = received[0]
    expect(Date.parse(first?.to ?? '') - Date.parse(first?.from ?? '')).toBe(24 * HOUR)

    received.length = 0
    fireEvent.click(screen.getByLabelText('Last 7 days'))
    await waitFor(() => expect(received).toHaveLength(3))
    expect(received.every((input) => input.bucket === 'day')).toBe(true)
    const week = received[0]
    expect(Date.parse(week?.to ?? '') - Date.parse(week?.from ?? '')).toBe(7 * 24 * HOUR)
  })

  it('says so when the period has no requests', async () => {
    const usage: UsageService = {
      summary: async (input) => summaryOf(input, {}),
      timeseries: async (input) => ({
        from: input.from ?? '',
        to: input.to ?? '',
        bucket: 'hour',
        groupBy: input.groupBy ?? 'none',
        points: [],
      }),
    }
    renderWithServices(<UsageView />, { usage })
    expect(await screen.findByText(/No requests in the last 24 hours/)).toBeTruthy()
    expect(screen.queryByLabelText('Usage totals')).toBeNull()
    expect(screen.queryByRole('figure')).toBeNull()
  })

  it('explains that a virtual key cannot see usage', async () => {
    const refuse = async (): Promise<never> => {
      throw new TRPCError({ code: 'FORBIDDEN', message: 'this procedure needs an admin API key' })
    }
    renderWithServices(<UsageView />, { usage: { summary: refuse, timeseries: refuse } })
    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toMatch(/needs an admin API key/)
    expect(alert.textContent).toMatch(/virtual key/)
    expect(screen.getAllByRole('alert')).toHaveLength(1)
  })
})
