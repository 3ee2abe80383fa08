// The seed's REST API under /api: thin adapters over the same services as tRPC, validated with
// the same zod schemas, answering in snake_case. Errors are thrown to the app's one onError.
// Each route is documented with createRoute; parseBody (not the route's validator) still reads
// the body, so validation errors keep the snake_case field names and the seed's error format.
import { createRoute, OpenAPIHono, type RouteConfig } from '@hono/zod-openapi'
import {
  classifyInputSchema,
  compressInputSchema,
  compressMessagesInputSchema,
  generateInputSchema,
  routeInputSchema,
  type Services,
} from '@tokenflow/api'
import type { Context } from 'hono'
import type { z } from 'zod'
import type { AppEnv } from '../app-env'
import { snakeize } from './case'
import { parseBody } from './parse-body'
import { restErrorResponses as errors } from './rest-error-responses'
import {
  classifyRenames,
  restClassifyRequest,
  restClassifyResponse,
  restCompressMessagesRequest,
  restCompressMessagesResponse,
  restCompressRequest,
  restCompressResponse,
  restGenerateRequest,
  restModelListResponse,
  restRankingsResponse,
  restSelectModelRequest,
  seedEventStream,
} from './rest-schemas'
import { streamSeedSSE } from './stream-sse'

export type RestRoutesOptions = {
  services: Services
  onStreamError: (error: unknown) => void
}

const jsonBody = (schema: z.ZodType) => ({
  required: true,
  content: { 'application/json': { schema } },
})
const json = (description: string, schema: z.ZodType) => ({
  description,
  content: { 'application/json': { schema } },
})
const events = (description: string) => ({
  description,
  content: { 'text/event-stream': { schema: seedEventStream } },
})
const bodyErrors = { 400: errors[400], 401: errors[401], 413: errors[413], 429: errors[429] }
const mlErrors = { 500: errors[500], 502: errors[502], 503: errors[503], 504: errors[504] }

const routes = {
  compress: createRoute({
    method: 'post',
    path: '/compress',
    summary: 'Compress a prompt',
    request: { body: jsonBody(restCompressRequest) },
    responses: {
      200: json('The compressed text.', restCompressResponse),
      ...bodyErrors,
      ...mlErrors,
    },
  }),
  compressMessages: createRoute({
    method: 'post',
    path: '/compress/messages',
    summary: 'Compress a conversation',
    request: { body: jsonBody(restCompressMessagesRequest) },
    responses: {
      200: json('The compressed messages.', restCompressMessagesResponse),
      ...bodyErrors,
      ...mlErrors,
    },
  }),
  classify: createRoute({
    method: 'post',
    path: '/classify',
    summary: 'Classify a prompt into routing categories',
    request: { body: jsonBody(restClassifyRequest) },
    responses: {
      200: json('The category and the model routing would choose.', restClassifyResponse),
      ...bodyErrors,
      ...mlErrors,
    },
  }),
  generate: createRoute({
    method: 'post',
    path: '/generate',
    summary: 'Stream an answer from a named model',
    request: { body: jsonBody(restGenerateRequest) },
    responses: {
      200: events('metadata, text_chunk..., end_stream (or error) events.'),
      ...bodyErrors,
      404: errors[404],
      ...mlErrors,
    },
  }),
  selectModel: createRoute({
    method: 'post',
    path: '/models/select',
    summary: 'Classify, choose a model and stream its answer',
    request: { body: jsonBody(restSelectModelRequest) },
    responses: {
      200: events('metadata (the routing decision), text_chunk..., end_stream (or error) events.'),
      ...bodyErrors,
      ...mlErrors,
    },
  }),
  rankings: createRoute({
    method: 'get',
    path: '/model-rankings',
    summary: 'Model rankings per category',
    responses: {
      200: json('The categories and their ranked models.', restRankingsResponse),
      401: errors[401],
      429: errors[429],
      500: errors[500],
    },
  }),
  models: createRoute({
    method: 'get',
    path: '/models',
    summary: 'The model catalog and availability',
    responses: {
      200: json('The models.', restModelListResponse),
      401: errors[401],
      429: errors[429],
      500: errors[500],
    },
  }),
} satisfies Record<string, RouteConfig>

export const createRestRoutes = ({ services, onStreamError }: RestRoutesOptions) => {
  const api = new OpenAPIHono<AppEnv>()
  // Documents a route and serves it without the route's validator (see the module comment).
  const on = (route: RouteConfig, handler: (c: Context<AppEnv>) => Promise<Response>) => {
    api.openAPIRegistry.registerPath(route)
    api.on(route.method.toUpperCase(), route.path, handler)
  }
  const call = (c: { get(key: 'requestId'): string; req: { raw: Request } }) => ({
    signal: c.req.raw.signal,
    requestId: c.get('requestId'),
  })

  on(routes.compress, async (c) => {
    const input = await parseBody(c, compressInputSchema)
    return c.json(snakeize(await services.compression.compress(input, call(c))))
  })

  on(routes.compressMessages, async (c) => {
    const input = await parseBody(c, compressMessagesInputSchema)
    return c.json(snakeize(await services.compression.compressMessages(input, call(c))))
  })

  on(routes.classify, async (c) => {
    const input = await parseBody(c, classifyInputSchema, classifyRenames)
    const result = await services.classification.classify(input, call(c))
    return c.json({
      top_category: result.topCategory,
      confidence_score: result.confidence,
      all_categories: result.scores,
      model: result.model,
      method: result.method,
      latency_ms: result.latencyMs,
      recommended_model: snakeize(result.recommendedModel),
      calibrated: result.calibrated,
      abstained: result.abstained,
      reason: result.reason,
    })
  })

  on(routes.generate, async (c) => {
    const input = await parseBody(c, generateInputSchema)
    return streamSeedSSE(c, (options) => services.generation.stream(input, options), onStreamError)
  })

  on(routes.selectModel, async (c) => {
    const input = await parseBody(c, routeInputSchema)
    return streamSeedSSE(c, (options) => services.routing.stream(input, options), onStreamError)
  })

  on(routes.rankings, async (c) => c.json(snakeize(await services.models.rankings(call(c)))))

  on(routes.models, async (c) => c.json(snakeize(await services.models.list(call(c)))))

  return api
}
