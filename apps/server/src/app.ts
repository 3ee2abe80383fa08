// Builds the gateway: tRPC at /trpc, the seed's REST API at /api, the OpenAI-compatible API at
// /v1, health, metrics and the OpenAPI document. Tests call createApp(...).request() without a
// port; src/index.ts serves it.
import { hostname } from 'node:os'
import { trpcServer } from '@hono/trpc-server'
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { appRouter, createContext, healthSchema, type Services } from '@tokenflow/api'
import { TRPCError } from '@trpc/server'
import { getHTTPStatusCodeFromError } from '@trpc/server/http'
import type { Context } from 'hono'
import { cors } from 'hono/cors'
import { HTTPException } from 'hono/http-exception'
import { requestId } from 'hono/request-id'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { AppEnv } from './app-env'
import type { Env } from './env'
import { requestCaller } from './http/request-caller'
import { sendStreams } from './http/sse-response'
import { stallGuard } from './http/stall-guard'
import { trpcSubscriptions } from './http/trpc-subscriptions'
import { accessLog } from './middleware/access-log'
import { apiKeyAuth } from './middleware/api-key-auth'
import { limitBody } from './middleware/body-limit'
import { clientAddress } from './middleware/client-address'
import { rateLimit } from './middleware/rate-limit'
import { requireJson } from './middleware/require-json'
import { trpcErrorResponse } from './middleware/trpc-error-response'
import { retryAfterOf } from './ml/to-trpc-error'
import { createLogger, type Logger } from './observability/logger'
import { createMetrics, type Metrics } from './observability/metrics'
import type { Completions } from './openai/completions'
import { DECISION_HEADERS } from './openai/decision-headers'
import { createOpenAiRoutes } from './openai/openai-routes'
import { serveApiDocs } from './openapi/api-docs'
import { jsonError } from './rest/json-error'
import { RestInputError } from './rest/parse-body'
import { createRestRoutes } from './rest/rest-routes'
import { version } from './services'
import type { SharedState } from './state/shared-state'
import type { Store } from './store/store'

export type AppConfig = {
  /** Accepted API keys; empty turns auth off. */
  apiKeys: string[]
  /** Requests per client per minute on /trpc, /api and /v1; 0 turns the limit off. */
  rateLimitPerMinute: number
  /** Request tokens (estimated from the body size) per client per minute; 0 turns it off. */
  tokensPerMinute: number
  /** Wrong API keys per client address per minute before it gets 429; 0 turns the limit off. */
  authFailureLimit: number
  /** Reverse proxies in front whose X-Forwarded-For entries name the client; 0: none. */
  trustProxyHops: number
  corsOrigins: string[]
  bodyLimitBytes: number
  /** A `: ping` comment after this much silence on a REST event stream; 0 turns it off. */
  heartbeatMs: number
  /** A client that reads nothing for this long is disconnected (its streams stay resumable). */
  stallMs: number
  /** Sent as X-TokenFlow-Replica on every response, so a client behind a balancer sees which. */
  replicaId: string
}

export type AppDeps = {
  services: Services
  /** The OpenAI-compatible API's view of generation and routing (createServices builds both). */
  completions: Completions
  config?: Partial<AppConfig>
  logger?: Logger
  metrics?: Metrics
  /** Redis shared with the other replicas for the rate limits; none: counted in this process. */
  state?: SharedState
  /** The database: the virtual keys auth accepts beside the static ones. */
  store: Store
}

/** The app's settings as the environment gives them. */
export const appConfigFromEnv = (env: Env): AppConfig => ({
  apiKeys: env.TOKENFLOW_API_KEYS,
  rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
  tokensPerMinute: env.RATE_LIMIT_TOKENS_PER_MINUTE,
  authFailureLimit: env.AUTH_FAILURE_LIMIT,
  trustProxyHops: env.TRUST_PROXY,
  corsOrigins: env.CORS_ORIGINS,
  bodyLimitBytes: env.BODY_LIMIT_BYTES,
  heartbeatMs: env.SSE_HEARTBEAT_MS,
  stallMs: env.STREAM_STALL_MS,
  replicaId: env.REPLICA_ID ?? `${hostname()}:${env.PORT}`,
})

const defaults: AppConfig = {
  apiKeys: [],
  rateLimitPerMinute: 0,
  tokensPerMinute: 0,
  authFailureLimit: 20,
  trustProxyHops: 0,
  corsOrigins: ['http://localhost:3000', 'http://127.0.0.1:3000'],
  bodyLimitBytes: 1_048_576,
  heartbeatMs: 5_000,
  stallMs: 30_000,
  replicaId: hostname(),
}

const healthzRoute = createRoute({
  method: 'get',
  path: '/healthz',
  summary: 'Liveness',
  security: [],
  responses: {
    200: {
      description: 'The process is up.',
      content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } },
    },
  },
})

const readyzRoute = createRoute({
  method: 'get',
  path: '/readyz',
  summary: 'Readiness: the gateway and each dependency',
  security: [],
  responses: {
    200: {
      description: 'Ready (ok or degraded).',
      content: { 'application/json': { schema: healthSchema } },
    },
    503: {
      description: 'Down.',
      content: { 'application/json': { schema: healthSchema } },
    },
  },
})

const procedureNames = new Set(Object.keys(appRouter._def.procedures))

export const createApp = ({
  services,
  completions,
  config = {},
  logger,
  metrics,
  state,
  store,
}: AppDeps) => {
  const settings = { ...defaults, ...config }
  const log = logger ?? createLogger({ level: 'silent' })
  const registry = metrics ?? createMetrics({ defaultMetrics: false })
  const app = new OpenAPIHono<AppEnv>()
  const addressOf = (c: Context<AppEnv>) => clientAddress(c, settings)
  // The rate limit counts per API key when auth is on, else per address.
  const callerOf = (c: Context<AppEnv>) => {
    const keyId = c.get('apiKeyId')
    return keyId ? `key:${keyId}` : `ip:${addressOf(c)}`
  }

  app.use('*', sendStreams())
  app.use('*', stallGuard({ stallMs: settings.stallMs }))
  app.use('*', requestId({ headerName: 'X-Request-Id' }))
  app.use('*', async (c, next) => {
    c.header('X-TokenFlow-Replica', settings.replicaId)
    await next()
  })
  app.use('*', accessLog({ logger: log, metrics: registry, procedures: procedureNames }))
  // Errors under /v1 are written the OpenAI way, whichever middleware or handler raises them.
  app.use('/v1/*', async (c, next) => {
    c.set('errorDialect', 'openai')
    await next()
  })
  // One instance of each for the three APIs, so a client's failed keys and requests are counted
  // once across them, not once per prefix (and, through Redis, once across replicas).
  const redis = state?.redis ?? null
  const auth = apiKeyAuth({
    keys: settings.apiKeys,
    virtualKeys: store.keys,
    failureLimit: settings.authFailureLimit,
    clientOf: addressOf,
    redis,
  })
  const limit = rateLimit({
    perMinute: settings.rateLimitPerMinute,
    tokensPerMinute: settings.tokensPerMinute,
    clientOf: callerOf,
    redis,
  })
  for (const path of ['/trpc/*', '/api/*', '/v1/*']) {
    app.use(
      path,
      cors({
        origin: settings.corsOrigins,
        allowHeaders: [
          'Content-Type',
          'Authorization',
          'X-API-Key',
          'X-Request-Id',
          'Last-Event-ID',
        ],
        exposeHeaders: ['X-Request-Id', 'X-TokenFlow-Replica', 'Retry-After', ...DECISION_HEADERS],
        maxAge: 600,
      }),
    )
    app.use(
      path,
      limitBody({
        maxSize: settings.bodyLimitBytes,
        onError: (c) =>
          jsonError(
            c,
            413,
            'PAYLOAD_TOO_LARGE',
            `request body exceeds the limit of ${settings.bodyLimitBytes} bytes`,
          ),
      }),
    )
    app.use(
      path,
      requireJson({
        onError: (c, message) =>
          path === '/trpc/*'
            ? trpcErrorResponse(
                c,
                appRouter,
                new TRPCError({ code: 'UNSUPPORTED_MEDIA_TYPE', message }),
              )
            : jsonError(c, 415, 'UNSUPPORTED_MEDIA_TYPE', message),
      }),
    )
    app.use(path, auth)
    app.use(path, limit)
  }

  app.openapi(healthzRoute, (c) => c.json({ status: 'ok' as const }, 200))

  app.openapi(readyzRoute, async (c) => {
    const health = await services.health.check({ requestId: c.get('requestId') })
    return c.json(health, health.status === 'down' ? 503 : 200)
  })

  app.get('/metrics', async (c) =>
    c.text(await registry.registry.metrics(), 200, {
      'Content-Type': registry.registry.contentType,
    }),
  )

  const trpcContext = (c: Context<AppEnv>) =>
    createContext(services, c.get('requestId'), requestCaller(c, 'trpc'))
  const onTrpcError = ({ error, path }: { error: TRPCError; path?: string }) => {
    if (error.code === 'INTERNAL_SERVER_ERROR') {
      log.error('procedure failed', { path, error: error.cause ?? error })
    }
  }
  app.use(
    '/trpc/*',
    trpcSubscriptions({
      router: appRouter,
      endpoint: '/trpc',
      createContext: trpcContext,
      onError: onTrpcError,
    }),
  )
  app.use(
    '/trpc/*',
    trpcServer({
      router: appRouter,
      endpoint: '/trpc',
      createContext: (_opts, c) => trpcContext(c as Context<AppEnv>),
      onError: onTrpcError,
      responseMeta: ({ errors }) => {
        const retryAfter = errors.map(retryAfterOf).find((value) => value !== null)
        return retryAfter ? { headers: { 'Retry-After': String(retryAfter) } } : {}
      },
    }),
  )

  app.route(
    '/api',
    createRestRoutes({
      services,
      onStreamError: (error) => log.error('stream failed', { error }),
      heartbeatMs: settings.heartbeatMs,
    }),
  )

  app.route(
    '/v1',
    createOpenAiRoutes({
      services,
      completions,
      onStreamError: (error) => log.error('stream failed', { error }),
    }),
  )

  serveApiDocs(app, version)

  app.notFound((c) => jsonError(c, 404, 'NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`))

  app.onError((error, c) => {
    if (error instanceof RestInputError) {
      return jsonError(c, 400, 'BAD_REQUEST', error.message, error.issues)
    }
    if (error instanceof TRPCError) {
      const retryAfter = retryAfterOf(error)
      if (retryAfter) c.header('Retry-After', String(retryAfter))
      const status = getHTTPStatusCodeFromError(error) as ContentfulStatusCode
      if (status >= 500 && error.code === 'INTERNAL_SERVER_ERROR') {
        log.error('request failed', { requestId: c.get('requestId'), error: error.cause ?? error })
      }
      return jsonError(c, status, error.code, error.message)
    }
    if (error instanceof HTTPException) {
      return jsonError(c, error.status as ContentfulStatusCode, 'HTTP_ERROR', error.message)
    }
    log.error('unhandled error', { requestId: c.get('requestId'), error })
    return jsonError(c, 500, 'INTERNAL_SERVER_ERROR', 'internal error')
  })

  return app
}

export type App = ReturnType<typeof createApp>
