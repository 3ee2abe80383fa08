// The procedures of a streaming service as tRPC sees them: `stream`, a subscription with tracked
// ids for resume (the follower stops as soon as the client goes away; the stream itself keeps
// generating for the resume window, or until `cancel` names it), and `cancel`.
import { type TRPCRouterRecord, tracked } from '@trpc/server'
import type { z } from 'zod'
import { cancelInputSchema, cancelOutputSchema } from '../schemas/cancel'
import type { StreamEvent, TrackedEvent } from '../schemas/stream-event'
import type { Services, StreamingService } from '../services'
import { publicProcedure } from '../trpc'

export async function* trackEvents(events: AsyncIterable<TrackedEvent>, signal?: AbortSignal) {
  const iterator = events[Symbol.asyncIterator]()
  try {
    while (!signal?.aborted) {
      const next = await iterator.next()
      if (next.done) return
      yield tracked<StreamEvent>(next.value.id, next.value.event)
    }
  } finally {
    await iterator.return?.()
  }
}

export const streamingProcedures = <Schema extends z.ZodType<{ lastEventId?: string | null }>>(
  schema: Schema,
  serviceOf: (services: Services) => StreamingService<z.infer<Schema>>,
) =>
  ({
    stream: publicProcedure.input(schema).subscription(async ({ ctx, input, signal }) => {
      // tRPC's input type is a conditional it cannot resolve for a generic schema; it is the
      // schema's output.
      const parsed = input as z.infer<Schema>
      const events = await serviceOf(ctx.services).stream(parsed, {
        signal,
        requestId: ctx.requestId,
        lastEventId: parsed.lastEventId,
        caller: ctx.caller,
      })
      return trackEvents(events, signal)
    }),
    cancel: publicProcedure
      .input(cancelInputSchema)
      .output(cancelOutputSchema)
      .mutation(({ ctx, input }) => serviceOf(ctx.services).cancel(input)),
  }) satisfies TRPCRouterRecord
