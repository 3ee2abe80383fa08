// The time windows the Usage and Requests views offer, and the bucket each one charts with.
export const PERIODS = [
  { id: '24h', label: 'Last 24 hours', hours: 24, bucket: 'hour' },
  { id: '7d', label: 'Last 7 days', hours: 24 * 7, bucket: 'day' },
  { id: '30d', label: 'Last 30 days', hours: 24 * 30, bucket: 'day' },
] as const

export type Period = (typeof PERIODS)[number]
export type PeriodId = Period['id']
export type Bucket = Period['bucket']

/** ISO 8601 bounds as the API takes them: from inclusive, to exclusive. */
export type TimeRange = { from: string; to: string }

export const findPeriod = (id: PeriodId): Period =>
  PERIODS.find((period) => period.id === id) ?? PERIODS[0]

export const periodRange = (id: PeriodId, now: Date = new Date()): TimeRange => ({
  from: new Date(now.getTime() - findPeriod(id).hours * 3_600_000).toISOString(),
  to: now.toISOString(),
})
