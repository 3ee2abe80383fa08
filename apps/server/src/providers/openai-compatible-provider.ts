// Any OpenAI-compatible endpoint through the openai SDK: OpenRouter, the ML service's local
// model (`/v1/chat/completions`, which wants X-Internal-Token when one is set).
import type { ProviderId } from '@tokenflow/api'
import OpenAI from 'openai'
import type { ChatProvider } from './chat-provider'
import { toProviderError } from './provider-error'
import { chatBody, sdkChatStream } from './sdk-chat-stream'
import type { UpstreamFetch } from './upstream-fetch'

export type OpenAiCompatibleOptions = {
  id: ProviderId
  configured: boolean
  baseURL: string
  apiKey?: string
  headers?: Record<string, string>
  timeoutMs: number
  /** The HTTP client under the SDK (createUpstreamFetch); the global fetch unless set. */
  fetch?: UpstreamFetch
}

export const createOpenAiCompatibleProvider = (options: OpenAiCompatibleOptions): ChatProvider => {
  const client = new OpenAI({
    apiKey: options.apiKey ?? 'not-configured',
    baseURL: options.baseURL,
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
            {
              ...chatBody(request, 'max_tokens'),
              stream_options: { include_usage: true },
            } as OpenAI.ChatCompletionCreateParamsStreaming,
            {
              signal,
              headers: request.requestId ? { 'X-Request-Id': request.requestId } : undefined,
            },
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
