// Every event of a generation or routing stream, in the order a client receives them:
// one `metadata`, any number of `text` and `tool_call`, then exactly one `end` or `error`.
import { z } from 'zod'
import { abstentionSchema, categoryScoreSchema } from './classification'
import { modelRefSchema } from './models'

export const fallbackSchema = z.object({
  model: modelRefSchema,
  code: z.string(),
  message: z.string(),
})
export type Fallback = z.infer<typeof fallbackSchema>

export const compressionDecisionSchema = z.object({
  applied: z.boolean(),
  reason: z.string(),
  method: z.string().nullable(),
  model: z.string().nullable(),
  originalTokens: z.number().int().nonnegative().nullable(),
  compressedTokens: z.number().int().nonnegative().nullable(),
  ratio: z.number().nonnegative().nullable(),
})
export type CompressionDecision = z.infer<typeof compressionDecisionSchema>

export const metadataEventSchema = z.object({
  type: z.literal('metadata'),
  streamId: z.string(),
  model: modelRefSchema,
  category: z
    .object({
      id: z.string(),
      confidence: z.number().min(0).max(1),
      calibrated: z.boolean(),
      scores: z.array(categoryScoreSchema),
      method: z.string(),
      model: z.string(),
      ...abstentionSchema.shape,
    })
    .nullable(),
  strategy: z.string().nullable(),
  compression: compressionDecisionSchema,
  fallbacks: z.array(fallbackSchema),
})

/** Which answer an event belongs to when a request asked for several (`n`); absent means 0. */
const choiceIndexSchema = z.number().int().nonnegative().optional()

export const textEventSchema = z.object({
  type: z.literal('text'),
  delta: z.string(),
  choice: choiceIndexSchema,
})

/**
 * A piece of a tool call, as OpenAI streams it: the first piece of call `index` carries its `id`
 * and function `name`, later pieces append to `arguments`.
 */
export const toolCallEventSchema = z.object({
  type: z.literal('tool_call'),
  choice: choiceIndexSchema,
  index: z.number().int().nonnegative(),
  id: z.string().optional(),
  name: z.string().optional(),
  arguments: z.string(),
})

export const usageSchema = z.object({
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
  totalTokens: z.number().int().nonnegative(),
})
export type Usage = z.infer<typeof usageSchema>

export const endEventSchema = z.object({
  type: z.literal('end'),
  finishReason: z.string(),
  usage: usageSchema,
  timeToFirstTokenMs: z.number().nonnegative().nullable(),
  totalMs: z.number().nonnegative(),
  costUsd: z.number().nonnegative(),
  savedTokens: z.number().int().nonnegative(),
  savedUsd: z.number().nonnegative(),
  /** Each answer's finish reason, when the request asked for more than one (`n`). */
  choices: z
    .array(z.object({ index: z.number().int().nonnegative(), finishReason: z.string() }))
    .optional(),
})

export const errorEventSchema = z.object({
  type: z.literal('error'),
  code: z.string(),
  message: z.string(),
  retryable: z.boolean(),
  /** When the provider said how long to wait (a rate limit's Retry-After). */
  retryAfterMs: z.number().nonnegative().optional(),
})

export const streamEventSchema = z.discriminatedUnion('type', [
  metadataEventSchema,
  textEventSchema,
  toolCallEventSchema,
  endEventSchema,
  errorEventSchema,
])
export type StreamEvent = z.infer<typeof streamEventSchema>
export type MetadataEvent = z.infer<typeof metadataEventSchema>
export type ToolCallEvent = z.infer<typeof toolCallEventSchema>
export type EndEvent = z.infer<typeof endEventSchema>
export type ErrorEvent = z.infer<typeof errorEventSchema>

/** An event with the id the client echoes back as `lastEventId` when it reconnects. */
export type TrackedEvent = { id: string; event: StreamEvent }
