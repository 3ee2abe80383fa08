// The gateway under test is what `pnpm start` runs: createApp with its real middleware (request
// id, access log, CORS, body limit, API-key auth, rate limit, metrics) and the services wired by
// createServices from an env, served by @hono/node-server. Only the upstream differs: Groq points
// at the in-process fake provider, and the ML service is never reached (one candidate category,
// compression off). Log lines are formatted at `info` as in production, then discarded. The
// request log is on, in SQLite in a temporary directory, as a fresh `pnpm start` keeps it.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type FakeProvider, startFakeProvider } from '@tokenflow/fake-provider'
import { appConfigFromEnv, createApp } from '../../apps/server/src/app'
import { parseEnv } from '../../apps/server/src/env'
import { createLogger } from '../../apps/server/src/observability/logger'
import { createMetrics } from '../../apps/server/src/observability/metrics'
import { createServices } from '../../apps/server/src/services'
import { createStore } from '../../apps/server/src/store/create-store'
import { freePort } from '../../apps/server/test/free-port'
import { serveApp } from '../../apps/server/test/serve-app'

export const API_KEY = 'tf-bench-key'

export type Gateway = {
  url: string
  apiKey: string
  fake: FakeProvider
  /** How many access-log lines the gateway formatted (proves the logger ran). */
  logLines(): number
  close(): Promise<void>
}

export const startGateway = async (): Promise<Gateway> => {
  const fake = await startFakeProvider()
  const env = parseEnv({
    GROQ_API_KEY: 'gsk-bench-key',
    GROQ_BASE_URL: fake.url,
    ML_SERVICE_URL: `http://127.0.0.1:${await freePort()}`,
    LOCAL_MODEL_ENABLED: 'false',
    PROVIDER_TIMEOUT_MS: '60000',
    TOKENFLOW_API_KEYS: API_KEY,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'tokenflow-bench-')),
  })
  let lines = 0
  const logger = createLogger({
    level: env.LOG_LEVEL,
    secrets: [API_KEY, 'gsk-bench-key'],
    write: () => {
      lines += 1
    },
  })
  const metrics = createMetrics()
  const store = await createStore({ dataDir: env.DATA_DIR, metrics, logger })
  const { services, completions } = createServices(env, { metrics, store })
  const app = createApp({
    completions,
    services,
    logger,
    metrics,
    store,
    config: {
      ...appConfigFromEnv(env),
      // The limiter runs on every request; the limit is high enough never to answer 429 here.
      rateLimitPerMinute: 1_000_000,
    },
  })
  const server = await serveApp(app)
  return {
    url: server.url,
    apiKey: API_KEY,
    fake,
    logLines: () => lines,
    close: async () => {
      await server.close()
      await Promise.all([store.close(), fake.close()])
    },
  }
}

export const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b)
  if (sorted.length === 0) return Number.NaN
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[index] as number
}

export const round = (value: number, digits = 2) => Number(value.toFixed(digits))
