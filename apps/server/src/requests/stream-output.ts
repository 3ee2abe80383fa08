// What a stream produced, gathered from its events as they pass (a few field updates each), and
// what it is charged: an ended stream exactly its `end` event's usage and cost; one that ended
// without it (aborted, failed mid-answer) what it produced, estimated: the prompt as sent and the
// answer so far at the answering model's prices, or nothing when no token came (every provider
// failed before answering).
import type { EndEvent, ErrorEvent, MetadataEvent, StreamEvent } from '@tokenflow/api'
import type { CatalogModel } from '@tokenflow/catalog'
import { estimateCost } from '../models/estimate-cost'
import { estimateMessageTokens, estimateTokensOfLength } from '../models/estimate-tokens'
import type { ProviderMessage } from '../providers/chat-provider'

export type StreamOutput = {
  /** The last one: after a fallback it names the model that answered. */
  metadata: MetadataEvent | null
  end: EndEvent | null
  error: ErrorEvent | null
  /** performance.now() of the first text or tool call; null when none came. */
  firstTokenAt: number | null
  /** Characters of answer text and tool-call arguments streamed. */
  answerChars: number
  /** The answer itself, only when it is kept (LOG_PROMPTS). */
  answer: string
}

export const emptyOutput = (): StreamOutput => ({
  metadata: null,
  end: null,
  error: null,
  firstTokenAt: null,
  answerChars: 0,
  answer: '',
})

export const takeEvent = (output: StreamOutput, event: StreamEvent, keepAnswer: boolean) => {
  if (event.type === 'metadata') output.metadata = event
  else if (event.type === 'end') output.end = event
  else if (event.type === 'error') output.error = event
  else {
    const text = event.type === 'text' ? event.delta : event.arguments
    output.firstTokenAt ??= performance.now()
    output.answerChars += text.length
    if (keepAnswer) output.answer += text
  }
}

export const streamCharge = (
  model: CatalogModel | undefined,
  sent: ProviderMessage[],
  { end, answerChars, firstTokenAt }: StreamOutput,
) => {
  if (end) {
    return {
      promptTokens: end.usage.promptTokens,
      completionTokens: end.usage.completionTokens,
      costUsd: end.costUsd,
      savedTokens: end.savedTokens,
      savedUsd: end.savedUsd,
    }
  }
  if (!model || firstTokenAt === null) {
    return { promptTokens: 0, completionTokens: 0, costUsd: 0, savedTokens: 0, savedUsd: 0 }
  }
  const promptTokens = estimateMessageTokens(sent)
  const completionTokens = estimateTokensOfLength(answerChars)
  const totalTokens = promptTokens + completionTokens
  return {
    promptTokens,
    completionTokens,
    costUsd: estimateCost(model, { promptTokens, completionTokens, totalTokens }),
    savedTokens: 0,
    savedUsd: 0,
  }
}
