// Turns a service's event stream into a tRPC subscription: tracked ids for resume, and the
// follower stops as soon as the client goes away (the stream itself keeps generating for the
// resume window, or until a cancel mutation names it).
import { tracked } from '@trpc/server'
import type { StreamEvent, TrackedEvent } from '../schemas/stream-event'

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
