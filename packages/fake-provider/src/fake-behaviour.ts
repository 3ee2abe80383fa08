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

/**
 * One function call, streamed as OpenAI streams it: the first delta names the call, the later ones
 * carry slices of the arguments JSON. Once the conversation ends in a `tool` message the model
 * answers with text instead, so a whole tool round trip runs against one scripted model.
 */
export type ToolCallBehaviour = {
  kind: 'tool-call'
  name: string
  /** The arguments as the JSON string the model "generates". */
  arguments: string
  /** How many deltas the arguments are split over; 3 unless set. */
  chunks?: number
  /** The call id; `call_fake_<n>` unless set. */
  id?: string
  /** Pause between chunks. */
  delayMs?: number
  /** The text answer after a tool result; `Tool said: <its content>` unless set. */
  answer?: string[]
}

export type FakeBehaviour =
  | StreamBehaviour
  | ToolCallBehaviour
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
