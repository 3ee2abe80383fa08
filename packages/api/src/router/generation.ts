import type { TRPCRouterRecord } from '@trpc/server'
import { generateInputSchema } from '../schemas/generation'
import { publicProcedure } from '../trpc'
import { trackEvents } from './stream-procedure'

export const generationRouter = {
  stream: publicProcedure.input(generateInputSchema).subscription(({ ctx, input, signal }) =>
    trackEvents((options) => ctx.services.generation.stream(input, options), {
      signal,
      requestId: ctx.requestId,
      lastEventId: input.lastEventId,
    }),
  ),
} satisfies TRPCRouterRecord
