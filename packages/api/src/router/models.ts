import type { TRPCRouterRecord } from '@trpc/server'
import { modelListSchema, rankingsSchema } from '../schemas/models'
import { publicProcedure } from '../trpc'

export const modelsRouter = {
  list: publicProcedure
    .output(modelListSchema)
    .query(({ ctx, signal }) => ctx.services.models.list({ signal, requestId: ctx.requestId })),
  rankings: publicProcedure
    .output(rankingsSchema)
    .query(({ ctx, signal }) => ctx.services.models.rankings({ signal, requestId: ctx.requestId })),
} satisfies TRPCRouterRecord
