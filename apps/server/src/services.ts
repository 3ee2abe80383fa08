// Wires every service from the parsed env: the catalog and provider table (TOKENFLOW_CONFIG
// merged over the shipped ones), the ML client (shared by compression, classification and
// health), the LLM providers, the generation engineer's streaming services with the request
// ledger, and the usage, request log and key services over the database.
import type { Services } from '@tokenflow/api'
import { createResultCache } from './cache/result-cache'
import { createClassificationService } from './classification/classification-service'
import { createCompressionService } from './compression/compression-service'
import { loadConfig } from './config/load-config'
import type { Env } from './env'
import { configFileOf } from './env'
import { createGenerationService } from './generation/create-generation-service'
import { createHealthService } from './health/health-service'
import { createMlProbe } from './health/ml-probe'
import { servedByMl, withProbedProviders } from './health/probed-providers'
import { createKeyService } from './keys/create-key-service'
import { createMlClient } from './ml/ml-client'
import { createModelService } from './models/create-model-service'
import { createLogger } from './observability/logger'
import type { Metrics } from './observability/metrics'
import { metricsStreamObserver } from './observability/metrics-stream-observer'
import type { Completions } from './openai/completions'
import { createProviders } from './providers/create-providers'
import { resolveProviders } from './providers/resolve-providers'
import { shippedProviders } from './providers/shipped-providers'
import { createRequestLogService } from './requests/create-request-log-service'
import { createRequestLedger } from './requests/request-ledger'
import { createRoutingService } from './routing/create-routing-service'
import { createSharedState, type SharedState } from './state/shared-state'
import type { Store } from './store/store'
import { createSharedStreamLog } from './streams/shared-stream-log'
import { STREAM_GRACE_MS } from './streams/stream-hub'
import { createUsageService } from './usage/create-usage-service'

export type ServicesEnv = Pick<
  Env,
  | 'ML_SERVICE_URL'
  | 'ML_INTERNAL_TOKEN'
  | 'ML_TIMEOUT_MS'
  | 'ML_BREAKER_THRESHOLD'
  | 'ML_BREAKER_HALF_OPEN_MS'
  | 'ML_PROBE_INTERVAL_MS'
  | 'ML_PROBE_TIMEOUT_MS'
  | 'GROQ_BASE_URL'
  | 'OPENROUTER_BASE_URL'
  | 'LOCAL_MODEL_ENABLED'
  | 'PROVIDER_TIMEOUT_MS'
  | 'STREAM_REPLAY_LIMIT'
  | 'STREAM_REPLAY_BYTES'
  | 'STREAM_RETAINED_BYTES'
  | 'STREAM_BUFFER_BYTES'
  | 'STREAM_RESUME_WINDOW_MS'
  | 'TOKENFLOW_CONFIG'
  | 'CATALOG_FILE'
  | 'vars'
  | 'ROUTING_MIN_CONFIDENCE'
  | 'CACHE_TTL_S'
  | 'CACHE_MAX_ENTRIES'
  | 'LOG_PROMPTS'
  | 'REQUEST_LOG'
>

export const version = '0.1.0'

const breakerGauge = { closed: 0, 'half-open': 1, open: 2 } as const

export type ServicesDeps = {
  metrics: Metrics
  /** Redis shared across replicas (createSharedState); none: every feature keeps local state. */
  state?: SharedState
  /** The database (createStore): the request log and the virtual keys. */
  store: Store
}

export const createServices = (
  env: ServicesEnv,
  {
    metrics,
    state = createSharedState({ url: undefined, logger: createLogger({ level: 'silent' }) }),
    store,
  }: ServicesDeps,
) => {
  // One breaker per ML replica; the local model is served by the first (ml.baseUrl).
  const ml = createMlClient({
    baseUrl: env.ML_SERVICE_URL,
    token: env.ML_INTERNAL_TOKEN,
    timeoutMs: env.ML_TIMEOUT_MS,
    breakerThreshold: env.ML_BREAKER_THRESHOLD,
    halfOpenAfterMs: env.ML_BREAKER_HALF_OPEN_MS,
    onBreakerStateChange: (state, replica) =>
      metrics.breakerState.set({ replica }, breakerGauge[state]),
  })
  for (const replica of ml.urls) metrics.breakerState.set({ replica }, breakerGauge.closed)
  const config = loadConfig(
    configFileOf(env),
    shippedProviders({ ...env, ML_SERVICE_URL: ml.baseUrl }),
  )
  const { catalog } = config
  const providerTable = resolveProviders(config.providers, (name) => env.vars[name])
  const minConfidence = env.ROUTING_MIN_CONFIDENCE
  // Started by src/index.ts; until then (tests) health probes on demand.
  const mlProbe = createMlProbe({
    ml,
    intervalMs: env.ML_PROBE_INTERVAL_MS,
    timeoutMs: env.ML_PROBE_TIMEOUT_MS,
  })
  const providers = withProbedProviders({
    registry: createProviders({ providers: providerTable, timeoutMs: env.PROVIDER_TIMEOUT_MS }),
    probe: mlProbe,
    served: servedByMl(providerTable, ml.urls),
  })
  const observer = metricsStreamObserver(metrics)
  // One result cache for both, in memory and in Redis when shared; CACHE_TTL_S=0: none.
  const cache =
    env.CACHE_TTL_S > 0
      ? createResultCache({
          ttlS: env.CACHE_TTL_S,
          maxEntries: env.CACHE_MAX_ENTRIES,
          state,
          metrics,
        })
      : undefined
  const compression = createCompressionService(ml, cache)
  const classification = createClassificationService({ ml, catalog, minConfidence, cache })

  // Each service's streams, in Redis under its own namespace when the gateway shares state.
  const streamsOf = (kind: 'generation' | 'routing') => ({
    replayLimit: env.STREAM_REPLAY_LIMIT,
    replayBytes: env.STREAM_REPLAY_BYTES,
    retainedBytes: env.STREAM_RETAINED_BYTES,
    bufferBytes: env.STREAM_BUFFER_BYTES,
    resumeWindowMs: env.STREAM_RESUME_WINDOW_MS,
    log: state.redis
      ? createSharedStreamLog({
          state,
          kind,
          maxEntries: env.STREAM_REPLAY_LIMIT,
          ttlMs: STREAM_GRACE_MS,
        })
      : undefined,
  })
  const ledger = createRequestLedger({
    store,
    record: env.REQUEST_LOG,
    logPrompts: env.LOG_PROMPTS,
  })
  const generation = createGenerationService({
    catalog,
    providers,
    compression,
    ledger,
    observer,
    streams: streamsOf('generation'),
  })
  const routing = createRoutingService({
    catalog,
    providers,
    classification,
    compression,
    ledger,
    observer,
    streams: streamsOf('routing'),
    minConfidence,
  })
  const services: Services = {
    compression,
    classification,
    generation,
    routing,
    models: createModelService({ catalog, providers }),
    health: createHealthService({
      ml,
      probe: mlProbe,
      providers,
      state,
      database: store,
      version,
    }),
    usage: createUsageService(store.requests),
    requests: createRequestLogService(store.requests),
    keys: createKeyService(store.keys),
  }
  // The OpenAI-compatible API streams through the same generation and routing, with its wider
  // messages and passthrough fields.
  const completions: Completions = { generation, routing }
  // The resolved table goes back too: the logger's redaction list is built from it (logSecrets).
  return { services, completions, ml, mlProbe, providers, catalog, providerTable, state, store }
}
