// What the fake provider does for one model: a scripted stream, or one of the failures real
// providers produce, so the gateway's error paths run through the SDKs' real code.

export type StreamBehaviour = {
  kind: 'stream'
  /** Content deltas, one chunk each. */
  chunks: string[]
  /** Pause between chunks. */
  delayMs?: number
  /** Pause after the response headers, before the first content chunk. */
  firstTokenDelayMs?: number
  /** Close the socket after this many content chunks, without `[DONE]`. */
  cutAfter?: number
  /** Leave out the usage chunk even when the client asks for it. */
  omitUsage?: boolean
  finishReason?: string
}

export type FakeBehaviour =
  | StreamBehaviour
  | { kind: 'rate-limit'; retryAfterSeconds: number }
  | { kind: 'unauthorized' }
  | { kind: 'not-found' }
  | { kind: 'server-error'; status?: number }
  /** Accept the request and never answer: the client's timeout or abort has to end it. */
  | { kind: 'hang' }

export type RecordedRequest = {
  method: string
  path: string
  model: string | null
  headers: Record<string, string | string[] | undefined>
  body: unknown
  receivedAt: number
}
