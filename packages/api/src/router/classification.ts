import type { TRPCRouterRecord } from '@trpc/server'
import { classifyInputSchema, classifyOutputSchema } from '../schemas/classification'
import { publicProcedure } from '../trpc'

export const classificationRouter = {
  classify: publicProcedure
    .input(classifyInputSchema)
    .output(classifyOutputSchema)
    .mutation(({ ctx, input, signal }) =>
      ctx.services.classification.classify(input, { signal, requestId: ctx.requestId }),
    ),
} satisfies TRPCRouterRecord
