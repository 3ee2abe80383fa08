// OpenAI wire format for chat completions: the chunk objects of a stream, the non-streaming
// body and the JSON error body, as groq-sdk and openai expect to parse them.

export type ChunkContext = { id: string; model: string; created: number }

export type UsageBody = { prompt_tokens: number; completion_tokens: number; total_tokens: number }

export const usageBody = (prompt: number, completion: number): UsageBody => ({
  prompt_tokens: prompt,
  completion_tokens: completion,
  total_tokens: prompt + completion,
})

export const chunk = (
  ctx: ChunkContext,
  delta: Record<string, unknown>,
  finishReason: string | null = null,
) => ({
  id: ctx.id,
  object: 'chat.completion.chunk',
  created: ctx.created,
  model: ctx.model,
  choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
})

/** The final chunk OpenAI sends when `stream_options.include_usage` is set: no choices. */
export const usageChunk = (ctx: ChunkContext, usage: UsageBody) => ({
  id: ctx.id,
  object: 'chat.completion.chunk',
  created: ctx.created,
  model: ctx.model,
  choices: [],
  usage,
})

export const completion = (
  ctx: ChunkContext,
  content: string,
  finishReason: string,
  usage: UsageBody,
) => ({
  id: ctx.id,
  object: 'chat.completion',
  created: ctx.created,
  model: ctx.model,
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content },
      logprobs: null,
      finish_reason: finishReason,
    },
  ],
  usage,
})

export const errorBody = (message: string, type: string, code: string | null) => ({
  error: { message, type, code, param: null },
})

export const sseData = (value: unknown): string =>
  `data: ${typeof value === 'string' ? value : JSON.stringify(value)}\n\n`
