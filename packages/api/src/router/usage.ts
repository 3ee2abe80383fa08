import type { TRPCRouterRecord } from '@trpc/server'
import {
  usageSummaryInputSchema,
  usageSummarySchema,
  usageTimeseriesInputSchema,
  usageTimeseriesSchema,
} from '../schemas/usage'
import { adminProcedure } from '../trpc'

export const usageRouter = {
  summary: adminProcedure
    .input(usageSummaryInputSchema)
    .output(usageSummarySchema)
    .query(({ ctx, input, signal }) =>
      ctx.services.usage.summary(input, { signal, requestId: ctx.requestId }),
    ),
  timeseries: adminProcedure
    .input(usageTimeseriesInputSchema)
    .output(usageTimeseriesSchema)
    .query(({ ctx, input, signal }) =>
      ctx.services.usage.timeseries(input, { signal, requestId: ctx.requestId }),
    ),
} satisfies TRPCRouterRecord
