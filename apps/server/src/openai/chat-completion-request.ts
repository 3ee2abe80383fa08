// The body of POST /v1/chat/completions: OpenAI's Chat Completions request, plus TokenFlow's
// options in an optional `tokenflow` object (SDKs pass unknown body fields through, `extra_body`
// in Python). Fields the gateway does not act on are forwarded to the provider as they came.
import { z } from '@hono/zod-openapi'
import {
  compressOptionSchema,
  MAX_MESSAGES,
  MAX_TEXT_CHARS,
  possibleCategoriesSchema,
  strategySchema,
} from '@tokenflow/api'

const contentPartSchema = z
  .looseObject({ type: z.string().min(1) })
  .openapi({ description: 'A content part (`text`, `image_url`, `input_audio`, `file`, ...).' })

const toolCallSchema = z.looseObject({
  id: z.string().min(1),
  type: z.literal('function'),
  function: z.object({ name: z.string().min(1), arguments: z.string() }),
})

export const chatCompletionMessageSchema = z
  .looseObject({
    role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
    content: z
      .union([z.string().max(MAX_TEXT_CHARS), z.array(contentPartSchema).max(1_000)])
      .nullish(),
    name: z.string().max(256).optional(),
    tool_calls: z.array(toolCallSchema).max(1_000).optional(),
    tool_call_id: z.string().max(256).optional(),
  })
  .superRefine((message, ctx) => {
    const empty = message.content === null || message.content === undefined
    if (empty && !(message.role === 'assistant' && message.tool_calls?.length)) {
      ctx.addIssue({
        code: 'custom',
        path: ['content'],
        message: `a ${message.role} message needs content (only an assistant turn with tool_calls may omit it)`,
      })
    }
    if (message.role === 'tool' && !message.tool_call_id) {
      ctx.addIssue({
        code: 'custom',
        path: ['tool_call_id'],
        message: 'a tool message needs the tool_call_id it answers',
      })
    }
  })
  .openapi('ChatCompletionMessage')
export type ChatCompletionMessage = z.infer<typeof chatCompletionMessageSchema>

const functionToolSchema = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({
    name: z
      .string()
      .regex(/^[a-zA-Z0-9_-]{1,64}$/, 'function names are 1-64 letters, digits, _ or -'),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullish(),
  }),
})

const toolChoiceSchema = z.union([
  z.enum(['none', 'auto', 'required']),
  z.looseObject({ type: z.literal('function'), function: z.object({ name: z.string().min(1) }) }),
])

const responseFormatSchema = z.looseObject({
  type: z.enum(['text', 'json_object', 'json_schema']),
  json_schema: z.record(z.string(), z.unknown()).optional(),
})

export const tokenflowOptionsSchema = z
  .object({
    compress: compressOptionSchema
      .optional()
      .openapi({ description: "'auto' (the catalog's policy), 'off', or {ratio}." }),
    possible_categories: possibleCategoriesSchema.optional(),
    strategy: strategySchema.optional(),
  })
  .openapi('TokenFlowOptions')

/** Request fields forwarded to the provider unchanged (the gateway itself does not act on them). */
export const PASSTHROUGH_FIELDS = [
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'response_format',
  'stop',
  'seed',
  'n',
  'frequency_penalty',
  'presence_penalty',
  'logit_bias',
  'logprobs',
  'top_logprobs',
  'reasoning_effort',
  'user',
  'metadata',
  'service_tier',
] as const

export const chatCompletionRequestSchema = z
  .object({
    model: z.string().min(1, 'model must not be empty').max(200).openapi({
      description:
        'A catalog model id (direct), `auto` (routing, default strategy) or `auto:quality`, `auto:balanced`, `auto:cheapest`.',
      example: 'auto',
    }),
    messages: z.array(chatCompletionMessageSchema).min(1).max(MAX_MESSAGES),
    stream: z.boolean().nullish(),
    stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
    temperature: z.number().min(0).max(2).nullish(),
    top_p: z.number().gt(0).lte(1).nullish(),
    max_tokens: z.number().int().positive().max(1_000_000).nullish(),
    max_completion_tokens: z.number().int().positive().max(1_000_000).nullish(),
    n: z.number().int().min(1).max(128).nullish(),
    stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
    seed: z.number().int().nullish(),
    tools: z.array(functionToolSchema).max(128).optional(),
    tool_choice: toolChoiceSchema.optional(),
    parallel_tool_calls: z.boolean().optional(),
    response_format: responseFormatSchema.optional(),
    frequency_penalty: z.number().min(-2).max(2).nullish(),
    presence_penalty: z.number().min(-2).max(2).nullish(),
    logit_bias: z.record(z.string(), z.number().min(-100).max(100)).nullish(),
    logprobs: z.boolean().nullish(),
    top_logprobs: z.number().int().min(0).max(20).nullish(),
    reasoning_effort: z.string().max(20).nullish(),
    user: z.string().max(256).optional(),
    metadata: z.record(z.string(), z.string()).nullish(),
    service_tier: z.string().max(40).nullish(),
    tokenflow: tokenflowOptionsSchema.optional(),
  })
  .openapi('ChatCompletionRequest')
export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>
