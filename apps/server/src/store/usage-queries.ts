// Usage analytics over the request log, computed by the database with integer bucket math and
// window functions that SQLite and PostgreSQL share, so both give the same numbers.
import type {
  RequestFilter,
  UsageSummary,
  UsageSummaryInput,
  UsageTimeseries,
  UsageTimeseriesInput,
  UsageTotals,
} from '@tokenflow/api'
import { type Kysely, sql } from 'kysely'
import type { Database } from './database'
import { filteredRequests, type TimeRange, timeRange } from './request-queries'

const BUCKET_MS = { hour: 3_600_000, day: 86_400_000 } as const
const GROUP_COLUMN = { model: 'model', category: 'category', key: 'api_key_id' } as const

type Grouping = { bucketMs: number | null; groupColumn: 'model' | 'category' | 'api_key_id' | null }
type Point = { start: number; group: string | null; totals: UsageTotals }

const NO_REQUESTS: UsageTotals = {
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
}

const pointKey = (start: number, group: string | null) => JSON.stringify([start, group])

/** Totals per (bucket, group), percentiles by nearest rank: the ceil(p * n)-th smallest ttft. */
const usagePoints = async (
  db: Kysely<Database>,
  filter: RequestFilter,
  range: TimeRange,
  { bucketMs, groupColumn }: Grouping,
): Promise<Point[]> => {
  // A literal bucket width: the same expression in SELECT and GROUP BY, integer division in both.
  const bucket = bucketMs
    ? sql<number>`(time / ${sql.lit(bucketMs)}) * ${sql.lit(bucketMs)}`
    : sql<number>`0`
  const group = groupColumn ? sql<string | null>`${sql.ref(groupColumn)}` : sql<string | null>`null`
  const keys = [...(bucketMs ? [bucket] : []), ...(groupColumn ? [group] : [])]
  const partition = keys.length > 0 ? sql`partition by ${sql.join(keys)}` : sql``

  const totals = await filteredRequests(db, filter, range)
    .select((eb) => [
      bucket.as('bucket'),
      group.as('grp'),
      eb.fn.countAll<number>().as('requests'),
      eb.fn
        .sum<number | null>(eb.case().when('status', '=', 'error').then(1).else(0).end())
        .as('errors'),
      eb.fn.sum<number | null>('prompt_tokens').as('prompt_tokens'),
      eb.fn.sum<number | null>('completion_tokens').as('completion_tokens'),
      eb.fn.sum<number | null>('cost_usd').as('cost_usd'),
      eb.fn.sum<number | null>('saved_tokens').as('saved_tokens'),
      eb.fn.sum<number | null>('saved_usd').as('saved_usd'),
    ])
    .$call((query) => (keys.length > 0 ? query.groupBy(keys) : query))
    .execute()

  // Only the rows at the p50 and p95 ranks leave the database.
  const ranked = filteredRequests(db, filter, range)
    .where('ttft_ms', 'is not', null)
    .select([
      bucket.as('bucket'),
      group.as('grp'),
      'ttft_ms',
      sql<number>`row_number() over (${partition} order by ttft_ms)`.as('ttft_rank'),
      sql<number>`count(*) over (${partition})`.as('ttft_count'),
    ])
  const percentiles = await db
    .selectFrom(ranked.as('ranked'))
    .selectAll()
    .where(
      sql<boolean>`ttft_rank = (50 * ttft_count + 99) / 100 or ttft_rank = (95 * ttft_count + 99) / 100`,
    )
    .execute()
  const ttft = new Map<string, { p50: number | null; p95: number | null }>()
  for (const row of percentiles) {
    const key = pointKey(Number(row.bucket), row.grp)
    const entry = ttft.get(key) ?? { p50: null, p95: null }
    const n = Number(row.ttft_count)
    const rank = Number(row.ttft_rank)
    if (rank === Math.floor((50 * n + 99) / 100)) entry.p50 = row.ttft_ms
    if (rank === Math.floor((95 * n + 99) / 100)) entry.p95 = row.ttft_ms
    ttft.set(key, entry)
  }

  return totals.map((row) => {
    const start = Number(row.bucket)
    const requests = Number(row.requests)
    const errors = Number(row.errors ?? 0)
    const percentile = ttft.get(pointKey(start, row.grp))
    return {
      start,
      group: row.grp,
      totals: {
        requests,
        errors,
        errorRate: requests > 0 ? errors / requests : 0,
        promptTokens: Number(row.prompt_tokens ?? 0),
        completionTokens: Number(row.completion_tokens ?? 0),
        costUsd: Number(row.cost_usd ?? 0),
        savedTokens: Number(row.saved_tokens ?? 0),
        savedUsd: Number(row.saved_usd ?? 0),
        ttftP50Ms: percentile?.p50 ?? null,
        ttftP95Ms: percentile?.p95 ?? null,
      },
    }
  })
}

const iso = (ms: number) => new Date(ms).toISOString()

export const usageSummary = async (
  db: Kysely<Database>,
  input: UsageSummaryInput,
  now: number,
): Promise<UsageSummary> => {
  const range = timeRange(input, now)
  const [point] = await usagePoints(db, input, range, { bucketMs: null, groupColumn: null })
  return { ...(point?.totals ?? NO_REQUESTS), from: iso(range.from), to: iso(range.to) }
}

// Sorted here, not in SQL: the collations (and where NULL sorts) differ between the dialects.
const byStartThenGroup = (a: Point, b: Point) => {
  if (a.start !== b.start) return a.start - b.start
  if (a.group === b.group) return 0
  if (a.group === null) return -1
  if (b.group === null) return 1
  return a.group < b.group ? -1 : 1
}

export const usageTimeseries = async (
  db: Kysely<Database>,
  input: UsageTimeseriesInput,
  now: number,
): Promise<UsageTimeseries> => {
  const range = timeRange(input, now)
  const bucket = input.bucket ?? 'hour'
  const groupBy = input.groupBy ?? 'none'
  const points = await usagePoints(db, input, range, {
    bucketMs: BUCKET_MS[bucket],
    groupColumn: groupBy === 'none' ? null : GROUP_COLUMN[groupBy],
  })
  return {
    from: iso(range.from),
    to: iso(range.to),
    bucket,
    groupBy,
    points: points
      .sort(byStartThenGroup)
      .map(({ start, group, totals }) => ({ ...totals, start: iso(start), group })),
  }
}
