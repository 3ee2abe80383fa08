// Serves the gateway on HOST:PORT and shuts down gracefully: stop accepting, let open requests
// finish (streams included) for a few seconds, write the request log's last rows, then exit.
// A database that cannot be opened at start (bad DATABASE_URL, DATA_DIR not writable, PostgreSQL
// unreachable) stops the gateway like a bad variable: its schema must be migrated before any
// request, and a supervisor restarts the process until it opens. Once running, the database
// going away fails no request (see src/requests/request-ledger.ts).
import { serve } from '@hono/node-server'
import { CatalogError } from '@tokenflow/catalog'
import { appConfigFromEnv, createApp } from './app'
import { EnvError, loadEnv } from './env'
import { createLogger } from './observability/logger'
import { createMetrics } from './observability/metrics'
import { logSecrets } from './providers/log-secrets'
import { createServices } from './services'
import { createSharedState } from './state/shared-state'
import { createStore } from './store/create-store'

const SHUTDOWN_GRACE_MS = 10_000

const main = async () => {
  const env = loadEnv()
  const metrics = createMetrics()
  const loggerWith = (secrets: string[]) =>
    createLogger({ level: env.LOG_LEVEL, logPrompts: env.LOG_PROMPTS, secrets })
  // Redis URLs may carry a password: it is redacted like the provider keys.
  const redisSecrets = env.REDIS_URL ? [new URL(env.REDIS_URL).password].filter(Boolean) : []
  // So may PostgreSQL URLs.
  const databaseSecrets = env.DATABASE_URL?.startsWith('postgres')
    ? [decodeURIComponent(new URL(env.DATABASE_URL).password)].filter(Boolean)
    : []
  const state = createSharedState({ url: env.REDIS_URL, logger: loggerWith(redisSecrets) })
  const storeLogger = loggerWith(databaseSecrets)
  const store = await createStore({
    databaseUrl: env.DATABASE_URL,
    dataDir: env.DATA_DIR,
    metrics,
    logger: storeLogger,
  }).catch((error: unknown) => {
    storeLogger.error('the database cannot be opened; set DATABASE_URL or DATA_DIR', { error })
    process.exit(1)
  })
  const { services, completions, providerTable, mlProbe } = createServices(env, {
    metrics,
    state,
    store,
  })
  const logger = loggerWith([
    ...logSecrets(env, providerTable),
    ...redisSecrets,
    ...databaseSecrets,
  ])
  if (env.CATALOG_FILE) logger.warn('CATALOG_FILE is deprecated: rename it to TOKENFLOW_CONFIG')
  const app = createApp({
    completions,
    services,
    logger,
    metrics,
    state,
    store,
    config: appConfigFromEnv(env),
  })
  const server = serve({ fetch: app.fetch, hostname: env.HOST, port: env.PORT }, (info) => {
    logger.info('listening', {
      url: `http://${env.HOST}:${info.port}`,
      auth: env.TOKENFLOW_API_KEYS.length > 0 ? 'api-key' : 'off',
      mlService: env.ML_SERVICE_URL,
      sharedState: env.REDIS_URL ? 'redis' : 'in process',
    })
  })
  // /readyz answers from this probe; its timer is unref'd, and stopped first on shutdown.
  mlProbe.start()

  let stopping = false
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return
    stopping = true
    logger.info('shutting down', { signal })
    mlProbe.stop()
    const force = setTimeout(() => {
      logger.warn('open connections did not finish in time; exiting')
      process.exit(0)
    }, SHUTDOWN_GRACE_MS)
    force.unref()
    server.close(() => {
      logger.info('stopped')
      // Closing the store writes the request log rows still queued.
      void Promise.allSettled([store.close(), state.close()]).finally(() => process.exit(0))
    })
    // Idle keep-alive sockets would otherwise hold close() open until they time out.
    if ('closeIdleConnections' in server) server.closeIdleConnections()
  }
  process.on('SIGINT', shutdown)
  process.on('SIGTERM', shutdown)
}

main().catch((error: unknown) => {
  if (error instanceof EnvError || error instanceof CatalogError) {
    console.error(error.message)
    process.exit(1)
  }
  throw error
})
