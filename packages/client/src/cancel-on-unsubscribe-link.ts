// Makes an unsubscribe a cancel. Over SSE the server cannot tell an unsubscribe from a dropped
// connection, and keeps a stream generating for its resume window after either; this link tells
// it: when a `generation.stream` or `routing.stream` subscription is unsubscribed before its
// `end` or `error` event, it calls that router's `cancel` mutation with the stream's id (from the
// `metadata` event), so the provider request stops at once.
import type { AppRouter } from '@tokenflow/api'
import type { TRPCClient, TRPCLink } from '@trpc/client'
import { observable } from '@trpc/server/observable'

type StreamRouter = 'generation' | 'routing'

const streamRouters: Record<string, StreamRouter> = {
  'generation.stream': 'generation',
  'routing.stream': 'routing',
}

type EventFields = { type?: unknown; streamId?: unknown }

/** The event inside a tracked result: `{id, data: event}` over SSE, the event itself otherwise. */
const eventOf = (data: unknown): EventFields => {
  const outer = (data ?? {}) as EventFields & { data?: EventFields }
  return typeof outer.type === 'string' ? outer : (outer.data ?? {})
}

/**
 * `client` is the client this link is part of (a getter: the link is built before it). A failed
 * cancel is ignored: the resume window still ends the stream.
 */
export const cancelOnUnsubscribeLink =
  (client: () => TRPCClient<AppRouter>): TRPCLink<AppRouter> =>
  () =>
  ({ op, next }) => {
    const router = streamRouters[op.path]
    if (op.type !== 'subscription' || !router) return next(op)
    return observable((observer) => {
      let streamId: string | null = null
      let finished = false
      const subscription = next(op).subscribe({
        next(envelope) {
          const event = eventOf((envelope.result as { data?: unknown }).data)
          if (event.type === 'metadata' && typeof event.streamId === 'string') {
            streamId = event.streamId
          }
          if (event.type === 'end' || event.type === 'error') finished = true
          observer.next(envelope)
        },
        error(error) {
          finished = true
          observer.error(error)
        },
        complete() {
          finished = true
          observer.complete()
        },
      })
      return () => {
        // Decided first: the subscription link completes its observer as it tears down.
        const running = !finished && streamId
        subscription.unsubscribe()
        if (running) {
          client()
            [router].cancel.mutate({ streamId: running })
            .catch(() => undefined)
        }
      }
    })
  }
