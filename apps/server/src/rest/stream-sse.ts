// Streams a service's events in the seed's SSE format:
//   data: {"event":"metadata"|"text_chunk"|"error"|"end_stream","data":...}\n\n
// metadata/end/error carry the event's fields in snake_case (without `type`); text_chunk carries
// the delta string itself. A `: ping` comment goes out every `heartbeatMs` of silence. Without event
// ids a seed client cannot resume, so its disconnect cancels the stream at once.
import type { StreamEvent, TrackedEvent } from '@tokenflow/api'
import { TRPCError } from '@trpc/server'
import type { Context } from 'hono'
import type { AppEnv } from '../app-env'
import { sseResponse } from '../http/sse-response'
import { snakeize } from './case'

const seedEventNames = {
  metadata: 'metadata',
  text: 'text_chunk',
  tool_call: 'tool_call',
  error: 'error',
  end: 'end_stream',
} as const

export const toSeedEvent = (event: StreamEvent) => {
  const { type, ...fields } = event
  const data = event.type === 'text' ? event.delta : snakeize(fields)
  return { event: seedEventNames[type], data }
}

const errorEventOf = (error: unknown): StreamEvent => {
  if (error instanceof TRPCError) {
    const retryable = ['SERVICE_UNAVAILABLE', 'TIMEOUT', 'TOO_MANY_REQUESTS'].includes(error.code)
    return { type: 'error', code: error.code, message: error.message, retryable }
  }
  return { type: 'error', code: 'INTERNAL_SERVER_ERROR', message: 'stream failed', retryable: true }
}

export type SeedStreamOptions = {
  heartbeatMs: number
  onUnexpected: (error: unknown) => void
  /** The seed's events carry no ids to resume from, so a client that goes away cancels. */
  cancel: (streamId: string) => void
}

export const streamSeedSSE = (
  c: Context<AppEnv>,
  events: AsyncIterable<TrackedEvent>,
  { heartbeatMs, onUnexpected, cancel }: SeedStreamOptions,
) =>
  sseResponse(c, { heartbeatMs }, async (writer) => {
    const frame = (event: StreamEvent) => `data: ${JSON.stringify(toSeedEvent(event))}\n\n`
    let streamId: string | null = null
    writer.signal.addEventListener('abort', () => streamId && cancel(streamId), { once: true })
    try {
      for await (const { event } of events) {
        if (writer.signal.aborted) break
        if (event.type === 'metadata') streamId = event.streamId
        await writer.write(frame(event))
        // The answer is whole: the response ends with its last frame, in the same socket write,
        // while the producer winds down (request log, usage) behind it.
        if (event.type === 'end' || event.type === 'error') writer.end()
      }
    } catch (error) {
      if (writer.signal.aborted) return
      if (!(error instanceof TRPCError)) onUnexpected(error)
      await writer.write(frame(errorEventOf(error)))
    } finally {
      writer.end()
    }
  })
