// Serves the gateway on HOST:PORT and shuts down gracefully: stop accepting, let open requests
// finish (streams included) for a few seconds, then exit.
import { serve } from '@hono/node-server'
import { CatalogError } from '@tokenflow/catalog'
import { appConfigFromEnv, createApp } from './app'
import { EnvError, loadEnv } from './env'
import { createLogger } from './observability/logger'
import { createMetrics } from './observability/metrics'
import { logSecrets } from './providers/log-secrets'
import { createServices } from './services'
import { createSharedState } from './state/shared-state'

const SHUTDOWN_GRACE_MS = 10_000

const main = () => {
  const env = loadEnv()
  const metrics = createMetrics()
  const loggerWith = (secrets: string[]) =>
    createLogger({ level: env.LOG_LEVEL, logPrompts: env.LOG_PROMPTS, secrets })
  // Redis URLs may carry a password: it is redacted like the provider keys.
  const redisSecrets = env.REDIS_URL ? [new URL(env.REDIS_URL).password].filter(Boolean) : []
  const state = createSharedState({ url: env.REDIS_URL, logger: loggerWith(redisSecrets) })
  const { services, completions, providerTable, mlProbe } = createServices(env, { metrics, state })
  const logger = loggerWith([...logSecrets(env, providerTable), ...redisSecrets])
  if (env.CATALOG_FILE) logger.warn('CATALOG_FILE is deprecated: rename it to TOKENFLOW_CONFIG')
  const app = createApp({
    completions,
    services,
    logger,
    metrics,
    state,
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
      void state.close().finally(() => process.exit(0))
    })
    // Idle keep-alive sockets would otherwise hold close() open until they time out.
    if ('closeIdleConnections' in server) server.closeIdleConnections()
  }
  process.on('SIGINT', shutdown)
  process.on('SIGTERM', shutdown)
}

try {
  main()
} catch (error) {
  if (error instanceof EnvError || error instanceof CatalogError) {
    console.error(error.message)
    process.exit(1)
  }
  throw error
}
