// Collects a whole stream into one chat.completion object, for requests without `stream: true`
// (the upstream is streamed either way, so fallback and time to first token work the same).
import type { EndEvent, MetadataEvent, StreamEvent } from '@tokenflow/api'
import type { ChatCompletion } from './chat-completion-response'
import { decisionOf, finishReasonOf, finishReasonsOf, totalsOf, usageOf } from './completion-chunks'

type ToolCall = { id: string; name: string; arguments: string }

export const createCompletionBody = () => {
  const texts = new Map<number, string>()
  const calls = new Map<number, Map<number, ToolCall>>()

  const add = (event: StreamEvent) => {
    if (event.type === 'text') {
      const index = event.choice ?? 0
      texts.set(index, (texts.get(index) ?? '') + event.delta)
    } else if (event.type === 'tool_call') {
      const index = event.choice ?? 0
      const byIndex = calls.get(index) ?? new Map<number, ToolCall>()
      calls.set(index, byIndex)
      const call = byIndex.get(event.index) ?? { id: '', name: '', arguments: '' }
      byIndex.set(event.index, {
        id: event.id ?? call.id,
        name: call.name + (event.name ?? ''),
        arguments: call.arguments + event.arguments,
      })
    }
  }

  const build = (
    id: string,
    created: number,
    metadata: MetadataEvent,
    end: EndEvent,
  ): ChatCompletion => ({
    id,
    object: 'chat.completion',
    created,
    model: metadata.model.id,
    system_fingerprint: null,
    choices: finishReasonsOf(end).map(({ index, finishReason }) => {
      const toolCalls = [...(calls.get(index)?.entries() ?? [])]
        .sort(([a], [b]) => a - b)
        .map(([, call]) => ({
          id: call.id,
          type: 'function' as const,
          function: { name: call.name, arguments: call.arguments },
        }))
      return {
        index,
        message: {
          role: 'assistant' as const,
          content: texts.get(index) ?? (toolCalls.length > 0 ? null : ''),
          refusal: null,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        logprobs: null,
        finish_reason: finishReasonOf(finishReason),
      }
    }),
    usage: usageOf(end),
    tokenflow: { ...decisionOf(metadata), ...totalsOf(end) } as ChatCompletion['tokenflow'],
  })

  return { add, build }
}
