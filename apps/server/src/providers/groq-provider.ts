// Groq through groq-sdk. Retries are off: the gateway falls back to the next model instead of
// making the caller wait out a rate limit.
import Groq from 'groq-sdk'
import type { ChatCompletionCreateParamsStreaming } from 'groq-sdk/resources/chat/completions'
import type { ChatProvider } from './chat-provider'
import { toProviderError } from './provider-error'
import { chatBody, sdkChatStream } from './sdk-chat-stream'
import type { UpstreamFetch } from './upstream-fetch'

export type GroqProviderOptions = {
  id: string
  configured: boolean
  apiKey?: string
  baseURL?: string
  headers?: Record<string, string>
  timeoutMs: number
  /** The HTTP client under the SDK (createUpstreamFetch); the global fetch unless set. */
  fetch?: UpstreamFetch
}

// groq-sdk appends /openai/v1 itself; accept base URLs written either way.
const sdkBaseURL = (baseURL: string | undefined) => baseURL?.replace(/\/openai\/v1\/?$/, '')

export const createGroqProvider = (options: GroqProviderOptions): ChatProvider => {
  const client = new Groq({
    apiKey: options.apiKey ?? 'not-configured',
    baseURL: sdkBaseURL(options.baseURL),
    defaultHeaders: options.headers,
    maxRetries: 0,
    timeout: options.timeoutMs,
    fetch: options.fetch,
  })
  return {
    id: options.id,
    configured: options.configured,
    stream: (request, signal) =>
      sdkChatStream(options.id, () =>
        client.chat.completions
          .create(
            chatBody(request, 'max_completion_tokens') as ChatCompletionCreateParamsStreaming,
            { signal },
          )
          .asResponse(),
      ),
    probe: async (signal) => {
      try {
        await client.models.list({ signal })
      } catch (error) {
        throw toProviderError(options.id, error, 'request')
      }
    },
  }
}
