// A rough token count for when no tokenizer answer is at hand (policy thresholds, usage a
// provider did not report): about four characters per token for English text.
import type { ChatMessage } from '@tokenflow/api'

export const estimateTokens = (text: string): number => Math.ceil(text.length / 4)

export const estimateMessageTokens = (messages: ChatMessage[]): number =>
  messages.reduce((sum, message) => sum + estimateTokens(message.content) + 4, 0)
