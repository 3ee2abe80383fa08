// Tests and benchmarks: every provider pointed at one fake OpenAI-compatible server, so the real
// SDKs and the real catalog run end to end without network or API keys.
import { tmpdir } from 'node:os'
import type { CompressionService, Services } from '@tokenflow/api'
import { type Catalog, catalog as shippedCatalog } from '@tokenflow/catalog'
import type { FakeProvider } from '@tokenflow/fake-provider'
import { createGenerationService } from '../src/generation/create-generation-service'
import { createKeyService } from '../src/keys/create-key-service'
import { createModelService } from '../src/models/create-model-service'
import { createLogger } from '../src/observability/logger'
import { createMetrics } from '../src/observability/metrics'
import { createProviders, type ProviderRegistry } from '../src/providers/create-providers'
import { resolveProviders } from '../src/providers/resolve-providers'
import { shippedProviders } from '../src/providers/shipped-providers'
import { createRequestLogService } from '../src/requests/create-request-log-service'
import { createRequestLedger } from '../src/requests/request-ledger'
import { createRoutingService } from '../src/routing/create-routing-service'
import { createStore } from '../src/store/create-store'
import type { Store } from '../src/store/store'
import type { StreamHubOptions } from '../src/streams/stream-hub'
import { noopObserver, type StreamObserver } from '../src/streams/stream-observer'
import { createUsageService } from '../src/usage/create-usage-service'

export type FakeSetupOptions = {
  timeoutMs?: number
  streams?: StreamHubOptions
  observer?: StreamObserver
  compression?: CompressionService
  catalog?: Catalog
  /** The request log and keys; default: a fresh in-memory SQLite database. */
  store?: Store
}

const unused = (what: string) => () => Promise.reject(new Error(`${what} was not expected here`))

/** Fails loudly if a stream compresses when the test said it must not. */
export const noCompression: CompressionService = {
  compress: unused('compression'),
  compressMessages: unused('compression'),
}

export const providersOnFake = (fake: FakeProvider, timeoutMs = 5_000): ProviderRegistry => {
  const keys: Record<string, string> = {
    GROQ_API_KEY: 'fake-groq-key',
    OPENROUTER_API_KEY: 'fake-openrouter-key',
  }
  const table = shippedProviders({
    GROQ_BASE_URL: fake.url,
    OPENROUTER_BASE_URL: fake.url,
    LOCAL_MODEL_ENABLED: true,
    ML_SERVICE_URL: fake.url,
  })
  // Every row of the table on the one fake server, the local model included.
  for (const spec of Object.values(table)) spec.baseURL = fake.url
  return createProviders({ providers: resolveProviders(table, (name) => keys[name]), timeoutMs })
}

/** A real store on an in-memory SQLite database, for services that need one. */
export const memoryStore = () =>
  createStore({
    databaseUrl: 'sqlite::memory:',
    dataDir: tmpdir(),
    metrics: createMetrics({ defaultMetrics: false }),
    logger: createLogger({ level: 'silent' }),
  })

/** Services whose classification and compression must not be reached (single category, off). */
export const servicesOnFake = async (
  fake: FakeProvider,
  options: FakeSetupOptions = {},
): Promise<Services> => {
  const catalog = options.catalog ?? shippedCatalog
  const providers = providersOnFake(fake, options.timeoutMs)
  const compression = options.compression ?? noCompression
  const classification = { classify: unused('classification') }
  const observer = options.observer ?? noopObserver
  const store = options.store ?? (await memoryStore())
  const ledger = createRequestLedger({ store, record: true, logPrompts: false })
  return {
    compression,
    classification,
    generation: createGenerationService({
      catalog,
      providers,
      compression,
      ledger,
      observer,
      streams: options.streams,
    }),
    routing: createRoutingService({
      catalog,
      providers,
      classification,
      compression,
      ledger,
      observer,
      streams: options.streams,
      // Classification is never reached here (one candidate category), so nothing to abstain on.
      minConfidence: 0,
    }),
    models: createModelService({ catalog, providers }),
    health: { check: unused('health') },
    usage: createUsageService(store.requests),
    requests: createRequestLogService(store.requests),
    keys: createKeyService(store.keys),
  }
}
