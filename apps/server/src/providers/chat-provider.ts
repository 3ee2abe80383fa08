// The one interface every provider implements: stream a chat completion as deltas.
import type { ProviderId, Usage } from '@tokenflow/api'

/**
 * A chat message as OpenAI-compatible APIs take it: any role, content as a string, an array of
 * parts or null (an assistant turn that only calls tools), plus `tool_calls`, `tool_call_id`,
 * `name`. The gateway reads `role` and text content; everything else goes upstream untouched.
 */
export type ProviderMessage = {
  role: string
  content?: string | ReadonlyArray<Record<string, unknown>> | null
  [field: string]: unknown
}

/**
 * Chat Completions fields the gateway forwards as they came (`tools`, `tool_choice`,
 * `response_format`, `stop`, `seed`, `n`, ...): the provider's API decides what they mean.
 */
export type Passthrough = Record<string, unknown>

export type ChatRequest = {
  /** The provider's own model id (catalog `providerModelId`). */
  model: string
  messages: ProviderMessage[]
  temperature?: number
  topP?: number
  maxTokens?: number
  passthrough?: Passthrough
  /** The gateway's request id, forwarded so the ML service's logs line up with ours. */
  requestId?: string
}

/** `choice` is the answer's index when a request asked for several (`n`), else 0. */
export type ChatDelta =
  | { type: 'text'; choice: number; text: string }
  | {
      type: 'tool_call'
      choice: number
      index: number
      id?: string
      name?: string
      arguments: string
    }
  | { type: 'finish'; choice: number; reason: string }
  | { type: 'usage'; usage: Usage }

export type ProviderStatus = { configured: boolean; reachable: boolean; detail: string }

export interface ChatProvider {
  readonly id: ProviderId
  /** Has what it needs to be called (an API key, or the local model switched on). */
  readonly configured: boolean
  /** Throws ProviderError; aborting `signal` cancels the upstream HTTP request. */
  stream(request: ChatRequest, signal: AbortSignal): AsyncIterable<ChatDelta>
  /** A cheap request that tells whether the provider answers at all. */
  probe(signal: AbortSignal): Promise<void>
}
