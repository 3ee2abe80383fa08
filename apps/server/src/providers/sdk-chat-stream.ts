// Both SDKs send the request and stream the same chunk shape back; this reads the chunks
// (sseJsonEvents), turns them into ChatDeltas and maps errors.
import type { ProviderId, Usage } from '@tokenflow/api'
import type { ChatDelta, ChatRequest } from './chat-provider'
import { toProviderError } from './provider-error'
import { sseJsonEvents } from './sse-json-events'

type UsageBody = { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number }

type ToolCallDelta = {
  index?: number
  id?: string | null
  function?: { name?: string | null; arguments?: string | null } | null
}

type SdkChunk = {
  choices: Array<{
    index?: number
    delta?: { content?: string | null; tool_calls?: ToolCallDelta[] | null }
    finish_reason?: string | null
  }>
  usage?: UsageBody | null
  x_groq?: { usage?: UsageBody | null } | null
}

/** The request body both SDKs send: passthrough fields first, so ours always win. */
export const chatBody = (
  request: ChatRequest,
  maxTokensField: 'max_tokens' | 'max_completion_tokens',
) => ({
  ...request.passthrough,
  model: request.model,
  messages: request.messages,
  temperature: request.temperature,
  top_p: request.topP,
  [maxTokensField]: request.maxTokens,
  stream: true as const,
})

const toUsage = (body: UsageBody): Usage => {
  const promptTokens = body.prompt_tokens ?? 0
  const completionTokens = body.completion_tokens ?? 0
  return {
    promptTokens,
    completionTokens,
    totalTokens: body.total_tokens ?? promptTokens + completionTokens,
  }
}

function* deltasOf(chunk: SdkChunk): Generator<ChatDelta> {
  for (const choice of chunk.choices) {
    const index = choice.index ?? 0
    const text = choice.delta?.content
    if (text) yield { type: 'text', choice: index, text }
    for (const call of choice.delta?.tool_calls ?? []) {
      yield {
        type: 'tool_call',
        choice: index,
        index: call.index ?? 0,
        ...(call.id ? { id: call.id } : {}),
        ...(call.function?.name ? { name: call.function.name } : {}),
        arguments: call.function?.arguments ?? '',
      }
    }
    if (choice.finish_reason) yield { type: 'finish', choice: index, reason: choice.finish_reason }
  }
  // OpenAI-style servers send usage on a choice-less chunk; Groq on the last one, under x_groq.
  const usage = chunk.usage ?? chunk.x_groq?.usage
  if (usage) yield { type: 'usage', usage: toUsage(usage) }
}

/** `open` sends the request through the SDK and answers its raw response (`.asResponse()`). */
export async function* sdkChatStream(
  provider: ProviderId,
  open: () => Promise<Response>,
): AsyncGenerator<ChatDelta> {
  let response: Response
  try {
    response = await open()
  } catch (error) {
    throw toProviderError(provider, error, 'request')
  }
  try {
    for await (const chunk of sseJsonEvents<SdkChunk>(response)) yield* deltasOf(chunk)
  } catch (error) {
    throw toProviderError(provider, error, 'stream')
  }
}
