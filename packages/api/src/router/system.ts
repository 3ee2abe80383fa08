import type { TRPCRouterRecord } from '@trpc/server'
import { healthSchema } from '../schemas/health'
import { publicProcedure } from '../trpc'

export const systemRouter = {
  health: publicProcedure
    .output(healthSchema)
    .query(({ ctx, signal }) => ctx.services.health.check({ signal, requestId: ctx.requestId })),
} satisfies TRPCRouterRecord
