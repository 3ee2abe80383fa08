// Usage analytics over the request log: totals for a period, and the same bucketed in time.
import { z } from 'zod'
import { requestFilterSchema } from './requests'

export const usageSummaryInputSchema = requestFilterSchema
export type UsageSummaryInput = z.input<typeof usageSummaryInputSchema>

export const usageTotalsSchema = z.object({
  requests: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  /** errors / requests; 0 with no requests. */
  errorRate: z.number().min(0).max(1),
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
  costUsd: z.number().nonnegative(),
  savedTokens: z.number().int(),
  savedUsd: z.number(),
  /** Null when no request in the period had a first token. */
  ttftP50Ms: z.number().nullable(),
  ttftP95Ms: z.number().nullable(),
})
export type UsageTotals = z.infer<typeof usageTotalsSchema>

export const usageSummarySchema = usageTotalsSchema.extend({
  from: z.string(),
  to: z.string(),
})
export type UsageSummary = z.infer<typeof usageSummarySchema>

export const usageTimeseriesInputSchema = requestFilterSchema.extend({
  bucket: z.enum(['hour', 'day']).default('hour'),
  groupBy: z.enum(['none', 'model', 'category', 'key']).default('none'),
})
export type UsageTimeseriesInput = z.input<typeof usageTimeseriesInputSchema>

export const usagePointSchema = usageTotalsSchema.extend({
  /** The bucket's start (ISO 8601, UTC). */
  start: z.string(),
  /** The model, category or key id of this series; null without grouping (or none recorded). */
  group: z.string().nullable(),
})
export type UsagePoint = z.infer<typeof usagePointSchema>

export const usageTimeseriesSchema = z.object({
  from: z.string(),
  to: z.string(),
  bucket: z.enum(['hour', 'day']),
  groupBy: z.enum(['none', 'model', 'category', 'key']),
  /** Ordered by start, then group; buckets with no requests are left out. */
  points: z.array(usagePointSchema),
})
export type UsageTimeseries = z.infer<typeof usageTimeseriesSchema>
