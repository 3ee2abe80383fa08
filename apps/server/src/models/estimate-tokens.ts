// A rough token count for when no tokenizer answer is at hand (policy thresholds, usage a
// provider did not report): about four characters per token for English text.
import type { ProviderMessage } from '../providers/chat-provider'
import { messageText } from '../providers/message-text'

/** The estimate for a text of which only the length was kept. */
export const estimateTokensOfLength = (chars: number): number => Math.ceil(chars / 4)

export const estimateTokens = (text: string): number => estimateTokensOfLength(text.length)

export const estimateMessageTokens = (messages: ProviderMessage[]): number =>
  messages.reduce((sum, message) => sum + estimateTokens(messageText(message)) + 4, 0)
