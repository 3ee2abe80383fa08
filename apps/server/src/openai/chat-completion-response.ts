// What POST /v1/chat/completions answers, as OpenAI defines it, with TokenFlow's decision in a
// `tokenflow` object: the metadata event's fields (snake_case) and, once the answer is complete,
// its cost and savings. Used for the OpenAPI document; the handlers build these shapes.
import { z } from '@hono/zod-openapi'

const toolCallSchema = z.object({
  id: z.string(),
  type: z.literal('function'),
  function: z.object({ name: z.string(), arguments: z.string() }),
})

const usageSchema = z.object({
  prompt_tokens: z.number().int().nonnegative(),
  completion_tokens: z.number().int().nonnegative(),
  total_tokens: z.number().int().nonnegative(),
})

export const tokenflowDecisionSchema = z
  .looseObject({
    stream_id: z.string(),
    model: z.object({ id: z.string(), provider: z.string(), display_name: z.string() }),
    category: z.looseObject({ id: z.string(), confidence: z.number() }).nullable(),
    strategy: z.string().nullable(),
    compression: z.looseObject({ applied: z.boolean(), reason: z.string() }),
    fallbacks: z.array(z.looseObject({ code: z.string(), message: z.string() })),
  })
  .openapi('TokenFlowDecision', {
    description: "The routing decision, as the tRPC and REST streams' `metadata` event reports it.",
  })

export const tokenflowTotalsSchema = z
  .object({
    cost_usd: z.number().nonnegative(),
    saved_tokens: z.number().int().nonnegative(),
    saved_usd: z.number().nonnegative(),
    time_to_first_token_ms: z.number().nonnegative().nullable(),
    total_ms: z.number().nonnegative(),
  })
  .openapi('TokenFlowTotals')

export const chatCompletionSchema = z
  .object({
    id: z.string(),
    object: z.literal('chat.completion'),
    created: z.number().int(),
    model: z.string().openapi({ description: 'The catalog id of the model that answered.' }),
    system_fingerprint: z.string().nullable(),
    choices: z.array(
      z.object({
        index: z.number().int().nonnegative(),
        message: z.object({
          role: z.literal('assistant'),
          content: z.string().nullable(),
          refusal: z.string().nullable(),
          tool_calls: z.array(toolCallSchema).optional(),
        }),
        logprobs: z.null(),
        finish_reason: z.string(),
      }),
    ),
    usage: usageSchema,
    tokenflow: z.object({ ...tokenflowDecisionSchema.shape, ...tokenflowTotalsSchema.shape }),
  })
  .openapi('ChatCompletion')

export const chatCompletionChunkSchema = z
  .object({
    id: z.string(),
    object: z.literal('chat.completion.chunk'),
    created: z.number().int(),
    model: z.string(),
    system_fingerprint: z.string().nullable(),
    choices: z.array(
      z.object({
        index: z.number().int().nonnegative(),
        delta: z.object({
          role: z.literal('assistant').optional(),
          content: z.string().optional(),
          tool_calls: z
            .array(
              z.object({
                index: z.number().int().nonnegative(),
                id: z.string().optional(),
                type: z.literal('function').optional(),
                function: z.object({ name: z.string().optional(), arguments: z.string() }),
              }),
            )
            .optional(),
        }),
        logprobs: z.null(),
        finish_reason: z.string().nullable(),
      }),
    ),
    usage: usageSchema.nullable().optional(),
    tokenflow: z.union([tokenflowDecisionSchema, tokenflowTotalsSchema]).optional(),
  })
  .openapi('ChatCompletionChunk', {
    description:
      'One `data:` line of the event stream. The first chunk carries the decision in `tokenflow`; the last (before `data: [DONE]`) has no choices, the usage and the totals. A failure after the first token ends the stream with `data: {"error": {...}}` instead.',
  })

export type ChatCompletion = z.infer<typeof chatCompletionSchema>
export type ChatCompletionChunk = z.infer<typeof chatCompletionChunkSchema>
