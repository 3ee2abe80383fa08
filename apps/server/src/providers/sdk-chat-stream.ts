// Both SDKs return the same chunk stream shape; this turns it into ChatDeltas and maps errors.
import type { ProviderId, Usage } from '@tokenflow/api'
import type { ChatDelta } from './chat-provider'
import { toProviderError } from './provider-error'

type UsageBody = { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number }

export type SdkChunk = {
  choices: Array<{ delta?: { content?: string | null }; finish_reason?: string | null }>
  usage?: UsageBody | null
  x_groq?: { usage?: UsageBody | null } | null
}

const toUsage = (body: UsageBody): Usage => {
  const promptTokens = body.prompt_tokens ?? 0
  const completionTokens = body.completion_tokens ?? 0
  return {
    promptTokens,
    completionTokens,
    totalTokens: body.total_tokens ?? promptTokens + completionTokens,
  }
}

export async function* sdkChatStream(
  provider: ProviderId,
  open: () => Promise<AsyncIterable<SdkChunk>>,
): AsyncGenerator<ChatDelta> {
  let chunks: AsyncIterable<SdkChunk>
  try {
    chunks = await open()
  } catch (error) {
    throw toProviderError(provider, error, 'request')
  }
  try {
    for await (const chunk of chunks) {
      const choice = chunk.choices[0]
      const text = choice?.delta?.content
      if (text) yield { type: 'text', text }
      if (choice?.finish_reason) yield { type: 'finish', reason: choice.finish_reason }
      // OpenAI-style servers send usage on a choice-less chunk; Groq on the last one, under x_groq.
      const usage = chunk.usage ?? chunk.x_groq?.usage
      if (usage) yield { type: 'usage', usage: toUsage(usage) }
    }
  } catch (error) {
    throw toProviderError(provider, error, 'stream')
  }
}
