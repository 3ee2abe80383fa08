// OpenAI wire format for a function call: the deltas a stream sends it in, and the message of a
// non-streamed answer. Only one call per answer, at tool_calls index 0.
import type { ChunkContext, UsageBody } from './chat-chunks'

export type ToolCall = { id: string; name: string; arguments: string }

/** The first delta names the call; OpenAI sends the role and `arguments: ''` with it. */
export const toolCallStartDelta = (call: ToolCall) => ({
  role: 'assistant',
  content: null,
  tool_calls: [
    { index: 0, id: call.id, type: 'function', function: { name: call.name, arguments: '' } },
  ],
})

/** Later deltas carry only a slice of the arguments, and the index that says whose. */
export const toolCallArgumentsDelta = (slice: string) => ({
  tool_calls: [{ index: 0, function: { arguments: slice } }],
})

/** `text` cut into `parts` slices of (nearly) equal length, none empty. */
export const splitArguments = (text: string, parts: number): string[] => {
  const size = Math.max(1, Math.ceil(text.length / Math.max(1, parts)))
  const slices: string[] = []
  for (let at = 0; at < text.length; at += size) slices.push(text.slice(at, at + size))
  return slices
}

export const toolCallCompletion = (ctx: ChunkContext, call: ToolCall, usage: UsageBody) => ({
  id: ctx.id,
  object: 'chat.completion',
  created: ctx.created,
  model: ctx.model,
  choices: [
    {
      index: 0,
      message: {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: call.id,
            type: 'function',
            function: { name: call.name, arguments: call.arguments },
          },
        ],
      },
      logprobs: null,
      finish_reason: 'tool_calls',
    },
  ],
  usage,
})
