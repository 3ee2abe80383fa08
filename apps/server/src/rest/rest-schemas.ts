// The REST API's bodies as they are on the wire (snake_case), for the OpenAPI document: derived
// from the contract's zod schemas, except classify's answer, whose names the seed chose by hand.
import { z } from '@hono/zod-openapi'
import {
  cancelOutputSchema,
  classifyInputSchema,
  classifyOutputSchema,
  compressInputSchema,
  compressMessagesInputSchema,
  compressMessagesOutputSchema,
  compressOutputSchema,
  generateInputSchema,
  modelListSchema,
  rankingsSchema,
  routeInputSchema,
} from '@tokenflow/api'
import { snakeRequestSchema, snakeSchema } from './snake-schema'

const ONE_OF = 'Send exactly one of `prompt` or `messages`; `messages` must hold a user message.'

export const restCompressRequest =
  snakeRequestSchema(compressInputSchema).openapi('CompressRequest')
export const restCompressResponse = snakeSchema(compressOutputSchema).openapi('CompressResponse')

export const restCompressMessagesRequest = snakeRequestSchema(compressMessagesInputSchema).openapi(
  'CompressMessagesRequest',
)
export const restCompressMessagesResponse = snakeSchema(compressMessagesOutputSchema).openapi(
  'CompressMessagesResponse',
)

/** classify reads `possible_categories` and `multi_label` (parseBody's renames). */
export const classifyRenames = { possible_categories: 'categories', multi_label: 'multiLabel' }
export const restClassifyRequest = snakeRequestSchema(classifyInputSchema, {
  categories: 'possible_categories',
  multiLabel: 'multi_label',
}).openapi('ClassifyRequest')

const classified = classifyOutputSchema.shape
export const restClassifyResponse = z
  .object({
    top_category: classified.topCategory,
    confidence_score: classified.confidence,
    all_categories: classified.scores,
    model: classified.model,
    method: classified.method,
    latency_ms: classified.latencyMs,
    recommended_model: snakeSchema(classified.recommendedModel),
    calibrated: classified.calibrated,
    abstained: classified.abstained,
    reason: classified.reason,
  })
  .openapi('ClassifyResponse')

export const restGenerateRequest = snakeRequestSchema(generateInputSchema)
  .openapi({ description: ONE_OF })
  .openapi('GenerateRequest')
export const restSelectModelRequest = snakeRequestSchema(routeInputSchema)
  .openapi({ description: ONE_OF })
  .openapi('SelectModelRequest')

export const streamIdParams = z.object({
  id: z
    .string()
    .min(1)
    .max(200)
    .openapi({
      description: "The `stream_id` of the stream's metadata event.",
      param: { name: 'id', in: 'path' },
    }),
})
export const restCancelResponse = snakeSchema(cancelOutputSchema).openapi('CancelResponse')

export const restModelListResponse = snakeSchema(modelListSchema).openapi('ModelListResponse')
export const restRankingsResponse = snakeSchema(rankingsSchema).openapi('RankingsResponse')

export const restErrorSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  })
  .openapi('Error')

/**
 * One event of the seed's stream as an SSE client reads it (in OpenAPI 3.1 a text/event-stream
 * `schema` describes each event): `data` is `{"event": ..., "data": ...}` as JSON.
 */
export const seedEventStream = z
  .object({
    data: z.string().openapi({
      description:
        'JSON `{"event": "metadata"|"text_chunk"|"tool_call"|"error"|"end_stream", "data": ...}`; metadata, end_stream and error carry the event in snake_case, text_chunk the text delta.',
    }),
    event: z.string().optional(),
    id: z.string().optional(),
  })
  .openapi('SeedStreamEvent')
