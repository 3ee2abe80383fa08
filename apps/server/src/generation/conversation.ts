// The request's prompt or messages as the chat messages sent upstream.
import type { ChatMessage } from '@tokenflow/api'
import type { ProviderMessage } from '../providers/chat-provider'
import { messageText } from '../providers/message-text'

export const toMessages = (input: { prompt?: string; messages?: ChatMessage[] }): ChatMessage[] =>
  input.messages ?? [{ role: 'user', content: input.prompt ?? '' }]

export const latestUserTurn = (messages: ProviderMessage[]): string => {
  const turn = messages.findLast((message) => message.role === 'user')
  return turn ? messageText(turn) : ''
}
