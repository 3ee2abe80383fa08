import type { TRPCRouterRecord } from '@trpc/server'
import { routeInputSchema } from '../schemas/generation'
import { publicProcedure } from '../trpc'
import { trackEvents } from './stream-procedure'

export const routingRouter = {
  stream: publicProcedure.input(routeInputSchema).subscription(({ ctx, input, signal }) =>
    trackEvents((options) => ctx.services.routing.stream(input, options), {
      signal,
      requestId: ctx.requestId,
      lastEventId: input.lastEventId,
    }),
  ),
} satisfies TRPCRouterRecord
