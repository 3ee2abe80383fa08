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
import { TRPCError } from '@trpc/server'
import type { Context } from 'hono'
import type { z } from 'zod'
import type { AppEnv } from '../app-env'
import { clientSignal } from '../http/client-signal'
import { requestCaller } from '../http/request-caller'
import { snakeize } from './case'
import { parseBody } from './parse-body'
import { restErrorResponses as errors } from './rest-error-responses'
import {
  classifyRenames,
  restCancelResponse,
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
  streamIdParams,
} from './rest-schemas'
import { streamSeedSSE } from './stream-sse'

export type RestRoutesOptions = {
  services: Services
  onStreamError: (error: unknown) => void
  /** A `: ping` comment after this much silence on an event stream (SSE_HEARTBEAT_MS). */
  heartbeatMs: number
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
const streamErrors = { ...bodyErrors, 403: errors[403] }
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
      ...streamErrors,
      ...mlErrors,
    },
  }),
  cancelStream: createRoute({
    method: 'delete',
    path: '/streams/{id}',
    summary: 'Cancel a running stream',
    description:
      'Aborts the upstream of the stream whose metadata event carried this `stream_id`. A stream ' +
      'whose client just disconnected keeps generating for the resume window; this stops it now.',
    request: { params: streamIdParams },
    responses: {
      200: json('The stream was running and is now cancelled.', restCancelResponse),
      401: errors[401],
      404: errors[404],
      429: errors[429],
    },
  }),
  selectModel: createRoute({
    method: 'post',
    path: '/models/select',
    summary: 'Classify, choose a model and stream its answer',
    request: { body: jsonBody(restSelectModelRequest) },
    responses: {
      200: events('metadata (the routing decision), text_chunk..., end_stream (or error) events.'),
      ...streamErrors,
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

export const createRestRoutes = ({ services, onStreamError, heartbeatMs }: RestRoutesOptions) => {
  const api = new OpenAPIHono<AppEnv>()
  // Documents a route and serves it without the route's validator (see the module comment).
  const on = (route: RouteConfig, handler: (c: Context<AppEnv>) => Promise<Response>) => {
    api.openAPIRegistry.registerPath(route)
    // OpenAPI writes a path parameter `{id}`, Hono `:id`.
    api.on(route.method.toUpperCase(), route.path.replace(/{(\w+)}/g, ':$1'), handler)
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

  // The stream is opened before the response: a request that cannot start (unknown model or
  // category, provider not configured) is an error status, not an event stream.
  const streamOptions = (c: Context<AppEnv>) => ({
    signal: clientSignal(c),
    requestId: c.get('requestId'),
    caller: requestCaller(c, 'rest'),
  })
  const seedStream = (service: Services['generation'] | Services['routing']) => ({
    heartbeatMs,
    onUnexpected: onStreamError,
    cancel: (streamId: string) => service.cancel({ streamId }),
  })

  on(routes.generate, async (c) => {
    const input = await parseBody(c, generateInputSchema)
    const events = await services.generation.stream(input, streamOptions(c))
    return streamSeedSSE(c, events, seedStream(services.generation))
  })

  on(routes.selectModel, async (c) => {
    const input = await parseBody(c, routeInputSchema)
    const events = await services.routing.stream(input, streamOptions(c))
    return streamSeedSSE(c, events, seedStream(services.routing))
  })

  on(routes.cancelStream, async (c) => {
    const streamId = c.req.param('id') ?? ''
    // A stream id belongs to one of the two services; asking both costs a map lookup (and, for
    // a stream another replica produces, a Redis lookup).
    const cancelled =
      (await services.generation.cancel({ streamId })).cancelled ||
      (await services.routing.cancel({ streamId })).cancelled
    if (!cancelled) {
      throw new TRPCError({ code: 'NOT_FOUND', message: `no running stream ${streamId}` })
    }
    return c.json({ cancelled })
  })

  on(routes.rankings, async (c) => c.json(snakeize(await services.models.rankings(call(c)))))

  on(routes.models, async (c) => c.json(snakeize(await services.models.list(call(c)))))

  return api
}
