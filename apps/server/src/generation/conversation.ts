// The request's prompt or messages as the chat messages sent upstream.
import type { ChatMessage } from '@tokenflow/api'

export const toMessages = (input: { prompt?: string; messages?: ChatMessage[] }): ChatMessage[] =>
  input.messages ?? [{ role: 'user', content: input.prompt ?? '' }]

export const latestUserTurn = (messages: ChatMessage[]): string =>
  messages.findLast((message) => message.role === 'user')?.content ?? ''
