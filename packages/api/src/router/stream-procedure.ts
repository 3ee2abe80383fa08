// Turns a service's event stream into a tRPC subscription: tracked ids for resume, and the
// upstream stops as soon as the client goes away.
import { tracked } from '@trpc/server'
import type { StreamEvent, TrackedEvent } from '../schemas/stream-event'
import type { StreamOptions } from '../services'

export async function* trackEvents(
  source: (options: StreamOptions) => AsyncIterable<TrackedEvent>,
  options: StreamOptions,
) {
  const iterator = source(options)[Symbol.asyncIterator]()
  try {
    while (!options.signal?.aborted) {
      const next = await iterator.next()
      if (next.done) return
      yield tracked<StreamEvent>(next.value.id, next.value.event)
    }
  } finally {
    await iterator.return?.()
  }
}
