// The one interface every provider implements: stream a chat completion as deltas.
import type { ChatMessage, ProviderId, Usage } from '@tokenflow/api'

export type ChatRequest = {
  /** The provider's own model id (catalog `providerModelId`). */
  model: string
  messages: ChatMessage[]
  temperature?: number
  topP?: number
  maxTokens?: number
  /** The gateway's request id, forwarded so the ML service's logs line up with ours. */
  requestId?: string
}

export type ChatDelta =
  | { type: 'text'; text: string }
  | { type: 'finish'; reason: string }
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
