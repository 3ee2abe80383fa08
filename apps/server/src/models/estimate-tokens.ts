// A rough token count for when no tokenizer answer is at hand (policy thresholds, usage a
// provider did not report): about four characters per token for English text.
import type { ProviderMessage } from '../providers/chat-provider'
import { messageText } from '../providers/message-text'

export const estimateTokens = (text: string): number => Math.ceil(text.length / 4)

export const estimateMessageTokens = (messages: ProviderMessage[]): number =>
  messages.reduce((sum, message) => sum + estimateTokens(messageText(message)) + 4, 0)
