// Builds the real app with real services from an env, as src/index.ts does, for tests that call
// app.request() or serve it on a free port. Log lines are collected so tests can inspect them.
import { type AppConfig, appConfigFromEnv, createApp } from '../src/app'
import { parseEnv } from '../src/env'
import { createLogger } from '../src/observability/logger'
import { createMetrics } from '../src/observability/metrics'
import { logSecrets } from '../src/providers/log-secrets'
import { createServices } from '../src/services'
import type { SharedState } from '../src/state/shared-state'

export const buildApp = (
  rawEnv: Record<string, string | undefined> = {},
  config: Partial<AppConfig> = {},
  /** Redis shared with other apps built here, as replicas share it; none: all in process. */
  state?: SharedState,
) => {
  const env = parseEnv({ LOCAL_MODEL_ENABLED: 'false', ...rawEnv })
  const lines: string[] = []
  const metrics = createMetrics({ defaultMetrics: false })
  const wired = createServices(env, { metrics, state })
  const secrets = logSecrets(env, wired.providerTable)
  const logger = createLogger({
    level: 'debug',
    logPrompts: env.LOG_PROMPTS,
    write: (line) => lines.push(line),
    secrets,
  })
  const app = createApp({
    services: wired.services,
    completions: wired.completions,
    logger,
    metrics,
    state: wired.state,
    config: { ...appConfigFromEnv(env), rateLimitPerMinute: 0, ...config },
  })
  return { app, env, lines, secrets, metrics, ...wired }
}
