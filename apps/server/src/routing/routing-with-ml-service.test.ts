// The embedded default end to end: no API keys, the real ML service classifies and compresses,
// and its local model writes the answer through the OpenAI-compatible /v1 endpoint.
import { createCaller, createContext, type StreamEvent } from '@tokenflow/api'
import { catalog } from '@tokenflow/catalog'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { type MlServiceHandle, startMlService } from '../../test/ml-service'
import { memoryStore } from '../../test/providers-on-fake'
import { createClassificationService } from '../classification/classification-service'
import { createCompressionService } from '../compression/compression-service'
import { parseEnv } from '../env'
import { createKeyService } from '../keys/create-key-service'
import { createMlClient } from '../ml/ml-client'
import { createModelService } from '../models/create-model-service'
import { createProviders } from '../providers/create-providers'
import { resolveProviders } from '../providers/resolve-providers'
import { shippedProviders } from '../providers/shipped-providers'
import { createRequestLogService } from '../requests/create-request-log-service'
import { createRequestLedger } from '../requests/request-ledger'
import { createUsageService } from '../usage/create-usage-service'
import { createRoutingService } from './create-routing-service'

let ml: MlServiceHandle
beforeAll(async () => {
  ml = await startMlService()
})
afterAll(() => ml?.stop())

const unused = (): never => {
  throw new Error('not used here')
}

it('classifies, compresses and streams from the local model', async () => {
  const client = createMlClient({ baseUrl: ml.url, token: ml.token, timeoutMs: 60_000 })
  const table = shippedProviders({
    OPENROUTER_BASE_URL: 'https://openrouter.ai/api/v1',
    LOCAL_MODEL_ENABLED: true,
    ML_SERVICE_URL: ml.url,
  })
  // No keys: only the local model is configured (it takes the ML service's internal token).
  const providers = createProviders({
    providers: resolveProviders(table, (name) =>
      name === 'ML_INTERNAL_TOKEN' ? ml.token : undefined,
    ),
    timeoutMs: 60_000,
  })
  const compression = createCompressionService(client)
  // The default threshold: whether or not it abstains, only the local model is available.
  const minConfidence = parseEnv({}).ROUTING_MIN_CONFIDENCE
  const classification = createClassificationService({ ml: client, catalog, minConfidence })
  const store = await memoryStore()
  const routing = createRoutingService({
    catalog,
    providers,
    classification,
    compression,
    ledger: createRequestLedger({ store, record: true, logPrompts: false }),
    minConfidence,
  })
  const models = createModelService({ catalog, providers })
  const caller = createCaller(
    createContext({
      compression,
      classification,
      routing,
      models,
      generation: { stream: unused, cancel: unused },
      health: { check: unused },
      usage: createUsageService(store.requests),
      requests: createRequestLogService(store.requests),
      keys: createKeyService(store.keys),
    }),
  )

  const listed = await caller.models.list()
  expect(listed.models.filter((m) => m.available).map((m) => m.id)).toEqual([
    'local/smollm2-135m-instruct',
  ])

  const prompt =
    'Please explain, in plain words and in a friendly tone, what the water cycle is. ' +
    'The water cycle describes how water evaporates from oceans, lakes and rivers, rises into ' +
    'the atmosphere as vapour, cools and condenses into clouds, and falls back to the ground ' +
    'as rain or snow, where it collects again in rivers, lakes, groundwater and the oceans.'
  const events: StreamEvent[] = []
  for await (const item of await caller.routing.stream({
    prompt,
    compress: { ratio: 0.5 },
    maxTokens: 24,
    temperature: 0,
  })) {
    events.push((item as unknown as [string, StreamEvent])[1])
  }
  const types = events.map((e) => e.type)
  expect(types[0]).toBe('metadata')
  expect(types.at(-1)).toBe('end')
  const metadata = events[0] as Extract<StreamEvent, { type: 'metadata' }>
  expect(metadata.model.id).toBe('local/smollm2-135m-instruct')
  expect(metadata.category?.scores).toHaveLength(catalog.categories.length)
  expect(catalog.categories.map((c) => c.id)).toContain(metadata.category?.id)
  expect(metadata.category?.method).not.toBe('single-candidate')
  expect(metadata.compression.applied).toBe(true)
  expect(metadata.compression.compressedTokens).toBeLessThan(
    metadata.compression.originalTokens ?? 0,
  )
  const text = events.map((e) => (e.type === 'text' ? e.delta : '')).join('')
  expect(text.trim().length).toBeGreaterThan(0)
  const end = events.at(-1) as Extract<StreamEvent, { type: 'end' }>
  expect(end.usage.completionTokens).toBeGreaterThan(0)
  expect(end.savedTokens).toBeGreaterThan(0)
  expect(end.costUsd).toBe(0)
}, 180_000)
