import type { TRPCRouterRecord } from '@trpc/server'
import { cancelInputSchema, cancelOutputSchema } from '../schemas/cancel'
import { routeInputSchema } from '../schemas/generation'
import { publicProcedure } from '../trpc'
import { trackEvents } from './stream-procedure'

export const routingRouter = {
  stream: publicProcedure.input(routeInputSchema).subscription(async ({ ctx, input, signal }) => {
    const events = await ctx.services.routing.stream(input, {
      signal,
      requestId: ctx.requestId,
      lastEventId: input.lastEventId,
    })
    return trackEvents(events, signal)
  }),
  cancel: publicProcedure
    .input(cancelInputSchema)
    .output(cancelOutputSchema)
    .mutation(({ ctx, input }) => ctx.services.routing.cancel(input)),
} satisfies TRPCRouterRecord
