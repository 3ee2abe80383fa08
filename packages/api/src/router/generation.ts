import type { TRPCRouterRecord } from '@trpc/server'
import { cancelInputSchema, cancelOutputSchema } from '../schemas/cancel'
import { generateInputSchema } from '../schemas/generation'
import { publicProcedure } from '../trpc'
import { trackEvents } from './stream-procedure'

export const generationRouter = {
  stream: publicProcedure
    .input(generateInputSchema)
    .subscription(async ({ ctx, input, signal }) => {
      const events = await ctx.services.generation.stream(input, {
        signal,
        requestId: ctx.requestId,
        lastEventId: input.lastEventId,
      })
      return trackEvents(events, signal)
    }),
  cancel: publicProcedure
    .input(cancelInputSchema)
    .output(cancelOutputSchema)
    .mutation(({ ctx, input }) => ctx.services.generation.cancel(input)),
} satisfies TRPCRouterRecord
