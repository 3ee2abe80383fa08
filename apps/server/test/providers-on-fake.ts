// Tests and benchmarks: every provider pointed at one fake OpenAI-compatible server, so the real
// SDKs and the real catalog run end to end without network or API keys.
import type { CompressionService, Services } from '@tokenflow/api'
import { type Catalog, catalog as shippedCatalog } from '@tokenflow/catalog'
import type { FakeProvider } from '@tokenflow/fake-provider'
import { createGenerationService } from '../src/generation/create-generation-service'
import { createModelService } from '../src/models/create-model-service'
import { createProviders, type ProviderRegistry } from '../src/providers/create-providers'
import { resolveProviders } from '../src/providers/resolve-providers'
import { shippedProviders } from '../src/providers/shipped-providers'
import { createRoutingService } from '../src/routing/create-routing-service'
import type { StreamHubOptions } from '../src/streams/stream-hub'
import { noopObserver, type StreamObserver } from '../src/streams/stream-observer'

export type FakeSetupOptions = {
  timeoutMs?: number
  streams?: StreamHubOptions
  observer?: StreamObserver
  compression?: CompressionService
  catalog?: Catalog
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

/** Services whose classification and compression must not be reached (single category, off). */
export const servicesOnFake = (fake: FakeProvider, options: FakeSetupOptions = {}): Services => {
  const catalog = options.catalog ?? shippedCatalog
  const providers = providersOnFake(fake, options.timeoutMs)
  const compression = options.compression ?? noCompression
  const classification = { classify: unused('classification') }
  const observer = options.observer ?? noopObserver
  return {
    compression,
    classification,
    generation: createGenerationService({
      catalog,
      providers,
      compression,
      observer,
      streams: options.streams,
    }),
    routing: createRoutingService({
      catalog,
      providers,
      classification,
      compression,
      observer,
      streams: options.streams,
      // Classification is never reached here (one candidate category), so nothing to abstain on.
      minConfidence: 0,
    }),
    models: createModelService({ catalog, providers }),
    health: { check: unused('health') },
  }
}
