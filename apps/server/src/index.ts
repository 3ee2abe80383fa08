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

const SHUTDOWN_GRACE_MS = 10_000

const main = () => {
  const env = loadEnv()
  const metrics = createMetrics()
  const { services, completions, providerTable, mlProbe } = createServices(env, { metrics })
  const logger = createLogger({
    level: env.LOG_LEVEL,
    logPrompts: env.LOG_PROMPTS,
    secrets: logSecrets(env, providerTable),
  })
  if (env.CATALOG_FILE) logger.warn('CATALOG_FILE is deprecated: rename it to TOKENFLOW_CONFIG')
  const app = createApp({
    completions,
    services,
    logger,
    metrics,
    config: appConfigFromEnv(env),
  })
  const server = serve({ fetch: app.fetch, hostname: env.HOST, port: env.PORT }, (info) => {
    logger.info('listening', {
      url: `http://${env.HOST}:${info.port}`,
      auth: env.TOKENFLOW_API_KEYS.length > 0 ? 'api-key' : 'off',
      mlService: env.ML_SERVICE_URL,
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
      process.exit(0)
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
