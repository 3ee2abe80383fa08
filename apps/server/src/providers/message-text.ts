// The text of a chat message however its content came: a string, text parts, or nothing (an
// assistant turn that only calls tools, whose arguments count instead).
import type { ProviderMessage } from './chat-provider'

type ToolCall = { function?: { name?: unknown; arguments?: unknown } }

export const messageText = (message: ProviderMessage): string => {
  const { content } = message
  if (typeof content === 'string') return content
  const parts = (content ?? [])
    .map((part) => (part.type === 'text' && typeof part.text === 'string' ? part.text : ''))
    .filter(Boolean)
  const calls = Array.isArray(message.tool_calls)
    ? (message.tool_calls as ToolCall[]).map((call) =>
        [call.function?.name, call.function?.arguments]
          .filter((v) => typeof v === 'string')
          .join(' '),
      )
    : []
  return [...parts, ...calls].join('\n')
}
