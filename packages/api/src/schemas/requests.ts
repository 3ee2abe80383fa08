// The request log as the API shows it: one record per streamed generation or routing request,
// whichever API it came through, and the filters `requests.list` takes.
import { z } from 'zod'

export const endpointSchema = z.enum(['trpc', 'rest', 'openai'])
export type Endpoint = z.infer<typeof endpointSchema>

/** ok: ended normally; error: ended with an error event; aborted: cancelled or abandoned. */
export const requestStatusSchema = z.enum(['ok', 'error', 'aborted'])
export type RequestStatus = z.infer<typeof requestStatusSchema>

export const requestRecordSchema = z.object({
  id: z.string(),
  /** When the request started (ISO 8601). */
  time: z.string(),
  requestId: z.string().nullable(),
  streamId: z.string().nullable(),
  /** The virtual key's id, or the short hash of a static key; null with auth off. */
  apiKeyId: z.string().nullable(),
  endpoint: endpointSchema,
  kind: z.enum(['generation', 'routing']),
  /** What the client asked for: a catalog id, or null when routing chose. */
  requestedModel: z.string().nullable(),
  /** The model that answered (after fallbacks), its provider. */
  model: z.string().nullable(),
  provider: z.string().nullable(),
  category: z.string().nullable(),
  confidence: z.number().nullable(),
  strategy: z.string().nullable(),
  compressionMethod: z.string().nullable(),
  originalTokens: z.number().int().nullable(),
  compressedTokens: z.number().int().nullable(),
  /** Models tried before the one that answered. */
  fallbacks: z.number().int().nonnegative(),
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
  costUsd: z.number().nonnegative(),
  savedTokens: z.number().int(),
  savedUsd: z.number(),
  ttftMs: z.number().nullable(),
  totalMs: z.number().nonnegative(),
  finishReason: z.string().nullable(),
  errorCode: z.string().nullable(),
  status: requestStatusSchema,
  /** Only stored with LOG_PROMPTS on; null otherwise. */
  prompt: z.string().nullable(),
  answer: z.string().nullable(),
})
export type RequestRecord = z.infer<typeof requestRecordSchema>

export const MAX_PAGE = 200

export const requestFilterSchema = z.object({
  /** ISO 8601 bounds, from inclusive, to exclusive; default: the last 24 hours. */
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  model: z.string().min(1).max(200).optional(),
  category: z.string().min(1).max(200).optional(),
  status: requestStatusSchema.optional(),
  apiKeyId: z.string().min(1).max(200).optional(),
  endpoint: endpointSchema.optional(),
})
export type RequestFilter = z.infer<typeof requestFilterSchema>

export const requestListInputSchema = requestFilterSchema.extend({
  /** The `nextCursor` of the previous page. */
  cursor: z.string().min(1).max(200).optional(),
  limit: z.number().int().min(1).max(MAX_PAGE).default(50),
})
export type RequestListInput = z.input<typeof requestListInputSchema>

export const requestListSchema = z.object({
  /** Newest first. */
  items: z.array(requestRecordSchema),
  nextCursor: z.string().nullable(),
})
export type RequestList = z.infer<typeof requestListSchema>

export const requestGetInputSchema = z.object({ id: z.string().min(1).max(200) })
export type RequestGetInput = z.infer<typeof requestGetInputSchema>
