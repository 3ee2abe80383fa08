// The JSON events of an OpenAI-style event stream (`data: {...}` up to `data: [DONE]`), decoded
// with eventsource-parser. Both SDKs' own stream decoders scan every byte in JavaScript and copy
// the buffered rest once per event, through four async generators per chunk; on the streaming hot
// path that was the largest cost left after the socket writes, so the SDKs send the request and
// check its status, and the body is read here.
import { createParser } from 'eventsource-parser'

/** The most of one event held while it arrives: a stream that never ends an event is cut off. */
const MAX_EVENT_CHARS = 8 * 1024 * 1024

/** An error event in the stream (`data: {"error": ...}`): the provider gave up mid-answer. */
export class StreamedError extends Error {
  override readonly name = 'StreamedError'
}

const errorMessage = (error: unknown): string => {
  const message = (error as { message?: unknown }).message
  return typeof message === 'string' ? message : JSON.stringify(error)
}

/**
 * Yields each event's parsed data, reading the body only when asked for the next one (a reader
 * that waits holds the provider's stream back). After `[DONE]` the body is read to its end, so the
 * connection goes back to the pool. Leaving early cancels the body.
 */
export async function* sseJsonEvents<T>(response: Response): AsyncGenerator<T> {
  if (!response.body) throw new StreamedError('the provider answered without a body')
  const decoder = new TextDecoder()
  let ready: T[] = []
  let done = false
  // What went wrong; thrown once the events before it were yielded.
  let failure: Error | undefined
  const parser = createParser({
    onEvent({ data }) {
      if (done || failure) return
      if (data.startsWith('[DONE]')) {
        done = true
        return
      }
      try {
        const parsed = JSON.parse(data)
        if (parsed?.error) failure = new StreamedError(errorMessage(parsed.error))
        else ready.push(parsed)
      } catch (error) {
        failure = error as Error
      }
    },
    onError(error) {
      // Malformed fields the SSE format says to skip (a bad `retry`) are skipped.
      if (error.type === 'max-buffer-size-exceeded') {
        failure ??= new StreamedError(`an event ran past ${MAX_EVENT_CHARS} characters`)
      }
    },
    maxBufferSize: MAX_EVENT_CHARS,
  })
  const flush = function* () {
    const events = ready
    ready = []
    yield* events
    if (failure) throw failure
  }
  for await (const bytes of response.body) {
    parser.feed(decoder.decode(bytes, { stream: true }))
    yield* flush()
  }
  // An event the body ended in without its blank line still counts, as the SDKs count it.
  parser.feed(`${decoder.decode()}\n\n`)
  yield* flush()
}
