// Shapes `usage.timeseries` answers for the charts. The server leaves out buckets without
// requests; charts need every bucket of the period so quiet hours show as quiet, not skipped.
import type { UsageTimeseries } from '@tokenflow/api'
import type { Bucket } from './periods'

const STEP_MS: Record<Bucket, number> = { hour: 3_600_000, day: 86_400_000 }

/** A bucket of the ungrouped series; latency and error rate are null where nothing ran. */
export type TimelineRow = {
  start: number
  requests: number
  costUsd: number
  savedUsd: number
  errorRate: number | null
  ttftP50Ms: number | null
  ttftP95Ms: number | null
}

/** Requests per bucket for one series of a stacked chart, under `s0`, `s1`, … (see `MixSeries`). */
export type MixRow = { start: number } & Record<string, number>

export type MixSeries = { key: string; label: string; total: number }

export type Mix = { series: MixSeries[]; rows: MixRow[] }

const OTHER_LABEL = 'other'
const NONE_LABEL = '(none)'

/** Every bucket start of the answer's period, plus any the server returned off that grid. */
const bucketStarts = (timeseries: UsageTimeseries): number[] => {
  const step = STEP_MS[timeseries.bucket]
  const starts = new Set<number>()
  const end = Date.parse(timeseries.to)
  // Epoch time starts at UTC midnight, so flooring to the step aligns with UTC hours and days.
  for (
    let start = Math.floor(Date.parse(timeseries.from) / step) * step;
    start < end;
    start += step
  )
    starts.add(start)
  for (const point of timeseries.points) starts.add(Date.parse(point.start))
  return [...starts].sort((a, b) => a - b)
}

export const toTimeline = (timeseries: UsageTimeseries): TimelineRow[] => {
  const byStart = new Map(timeseries.points.map((point) => [Date.parse(point.start), point]))
  return bucketStarts(timeseries).map((start) => {
    const point = byStart.get(start)
    if (!point) {
      return {
        start,
        requests: 0,
        costUsd: 0,
        savedUsd: 0,
        errorRate: null,
        ttftP50Ms: null,
        ttftP95Ms: null,
      }
    }
    return {
      start,
      requests: point.requests,
      costUsd: point.costUsd,
      savedUsd: point.savedUsd,
      errorRate: point.requests > 0 ? point.errorRate : null,
      ttftP50Ms: point.ttftP50Ms,
      ttftP95Ms: point.ttftP95Ms,
    }
  })
}

/**
 * Requests per group and bucket, largest groups first; past `limit` groups the rest fold into
 * "other" so a chart stays readable with many models. Keys are `s0`, `s1`, … because group
 * names (model ids with dots and slashes) would read as paths where a chart takes a data key.
 */
export const toMix = (timeseries: UsageTimeseries, limit = 6): Mix => {
  const totals = new Map<string, number>()
  for (const point of timeseries.points) {
    const label = point.group ?? NONE_LABEL
    totals.set(label, (totals.get(label) ?? 0) + point.requests)
  }
  const ranked = [...totals].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
  const kept = ranked.length > limit ? ranked.slice(0, limit - 1) : ranked
  const folded = ranked.slice(kept.length)
  const series: MixSeries[] = kept.map(([label, total], index) => ({
    key: `s${index}`,
    label,
    total,
  }))
  if (folded.length > 0) {
    series.push({
      key: `s${kept.length}`,
      label: OTHER_LABEL,
      total: folded.reduce((sum, [, total]) => sum + total, 0),
    })
  }
  const keyOf = new Map(kept.map(([label], index) => [label, `s${index}`]))
  const otherKey = `s${kept.length}`
  const empty = Object.fromEntries(series.map((s) => [s.key, 0]))
  const rows = new Map<number, MixRow>(
    bucketStarts(timeseries).map((start) => [start, { ...empty, start }]),
  )
  for (const point of timeseries.points) {
    const row = rows.get(Date.parse(point.start))
    const key = keyOf.get(point.group ?? NONE_LABEL) ?? otherKey
    if (row) row[key] = (row[key] ?? 0) + point.requests
  }
  return { series, rows: [...rows.values()] }
}
