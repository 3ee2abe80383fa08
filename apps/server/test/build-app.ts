// Builds the real app with real services from an env, as src/index.ts does, for tests that call
// app.request() or serve it on a free port: its database is SQLite in a fresh temporary
// directory unless the env names one (DATABASE_URL, DATA_DIR). Log lines are collected so tests
// can inspect them.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type AppConfig, appConfigFromEnv, createApp } from '../src/app'
import { parseEnv } from '../src/env'
import { createLogger } from '../src/observability/logger'
import { createMetrics } from '../src/observability/metrics'
import { logSecrets } from '../src/providers/log-secrets'
import { createServices } from '../src/services'
import type { SharedState } from '../src/state/shared-state'
import { createStore } from '../src/store/create-store'

export const buildApp = async (
  rawEnv: Record<string, string | undefined> = {},
  config: Partial<AppConfig> = {},
  /** Redis shared with other apps built here, as replicas share it; none: all in process. */
  state?: SharedState,
) => {
  const env = parseEnv({
    LOCAL_MODEL_ENABLED: 'false',
    DATA_DIR: rawEnv.DATABASE_URL ? undefined : mkdtempSync(join(tmpdir(), 'tokenflow-test-')),
    ...rawEnv,
  })
  const lines: string[] = []
  const write = (line: string) => lines.push(line)
  const metrics = createMetrics({ defaultMetrics: false })
  const store = await createStore({
    databaseUrl: env.DATABASE_URL,
    dataDir: env.DATA_DIR,
    metrics,
    logger: createLogger({ level: 'debug', write }),
  })
  const wired = createServices(env, { metrics, state, store })
  const secrets = logSecrets(env, wired.providerTable)
  const logger = createLogger({ level: 'debug', logPrompts: env.LOG_PROMPTS, write, secrets })
  const app = createApp({
    services: wired.services,
    completions: wired.completions,
    logger,
    metrics,
    state: wired.state,
    store,
    config: { ...appConfigFromEnv(env), rateLimitPerMinute: 0, ...config },
  })
  return { app, env, lines, secrets, metrics, ...wired }
}
