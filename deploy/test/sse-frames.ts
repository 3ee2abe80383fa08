// Reads a tRPC subscription's event stream raw, frame by frame, so a test sees each event's id
// (`<streamId>:<seq>`) and can resume from any of them with lastEventId.
import type { StreamEvent } from '@tokenflow/api'

export type SseFrame = { event?: string; id?: string; data?: string }
export type Tracked = { id: string; event: StreamEvent }

export async function* sseFrames(body: ReadableStream<Uint8Array>): AsyncGenerator<SseFrame> {
  const decoder = new TextDecoder()
  let buffer = ''
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true })
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const frame: SseFrame = {}
      for (const line of buffer.slice(0, end).split('\n')) {
        const at = line.indexOf(': ')
        const field = line.slice(0, at)
        if (field === 'event' || field === 'id' || field === 'data')
          frame[field] = line.slice(at + 2)
      }
      buffer = buffer.slice(end + 2)
      yield frame
    }
  }
}

/** The tracked stream event of a data frame; null for tRPC's own frames (connected, ping). */
export const trackedEventOf = (frame: SseFrame): Tracked | null =>
  frame.id && frame.data && !frame.event
    ? { id: frame.id, event: JSON.parse(frame.data) as StreamEvent }
    : null

/** The sequence number in an event id. */
export const seqOf = (id: string) => Number(id.slice(id.lastIndexOf(':') + 1))
