// Turns the gateway's stream events into OpenAI chat.completion.chunk objects, one event at a
// time, the way OpenAI streams them: role on a choice's first delta, tool calls as indexed pieces,
// a finish chunk per choice, then one choice-less chunk with usage and TokenFlow's totals.
import type { EndEvent, MetadataEvent, StreamEvent } from '@tokenflow/api'
import { snakeize } from '../rest/case'
import type { ChatCompletionChunk } from './chat-completion-response'

type Choice = ChatCompletionChunk['choices'][number]
type Delta = Choice['delta']

/** The decision as the `tokenflow` object shows it: the metadata event without its `type`. */
export const decisionOf = (metadata: MetadataEvent) => {
  const { type: _type, ...fields } = metadata
  return snakeize(fields) as ChatCompletionChunk['tokenflow'] & Record<string, unknown>
}

export const totalsOf = (end: EndEvent) => ({
  cost_usd: end.costUsd,
  saved_tokens: end.savedTokens,
  saved_usd: end.savedUsd,
  time_to_first_token_ms: end.timeToFirstTokenMs,
  total_ms: end.totalMs,
})

export const usageOf = (end: EndEvent) => ({
  prompt_tokens: end.usage.promptTokens,
  completion_tokens: end.usage.completionTokens,
  total_tokens: end.usage.totalTokens,
})

/** A provider that ended cleanly without saying why finished normally. */
export const finishReasonOf = (reason: string) => (reason === 'unknown' ? 'stop' : reason)

export const finishReasonsOf = (end: EndEvent) =>
  end.choices ?? [{ index: 0, finishReason: end.finishReason }]

export const createChunker = (id: string, created: number, model: string) => {
  const opened = new Set<number>()
  const chunk = (
    choices: Choice[],
    extra: Partial<ChatCompletionChunk> = {},
  ): ChatCompletionChunk => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    system_fingerprint: null,
    choices,
    ...extra,
  })
  const choice = (index: number, delta: Delta, finishReason: string | null = null): Choice => {
    // Each answer's first delta says who speaks, as OpenAI's do.
    const first = !opened.has(index)
    opened.add(index)
    return {
      index,
      delta: first ? { role: 'assistant', ...delta } : delta,
      logprobs: null,
      finish_reason: finishReason,
    }
  }

  /** The chunks for one event; the caller writes `[DONE]` after `end` and stops after `error`. */
  return (event: StreamEvent): ChatCompletionChunk[] => {
    switch (event.type) {
      case 'metadata':
        return [chunk([choice(0, { content: '' })], { tokenflow: decisionOf(event) })]
      case 'text':
        return [chunk([choice(event.choice ?? 0, { content: event.delta })])]
      case 'tool_call': {
        const piece = {
          index: event.index,
          ...(event.id ? { id: event.id, type: 'function' as const } : {}),
          function: {
            ...(event.name ? { name: event.name } : {}),
            arguments: event.arguments,
          },
        }
        return [chunk([choice(event.choice ?? 0, { tool_calls: [piece] })])]
      }
      case 'end':
        return [
          ...finishReasonsOf(event).map(({ index, finishReason }) =>
            chunk([choice(index, {}, finishReasonOf(finishReason))]),
          ),
          chunk([], { usage: usageOf(event), tokenflow: totalsOf(event) }),
        ]
      case 'error':
        return []
    }
  }
}
