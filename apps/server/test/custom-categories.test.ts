// A category added by configuration alone (TOKENFLOW_CONFIG) is learned by the real ML service from
// its examples and routed to; below ROUTING_MIN_CONFIDENCE the router abstains and says so, in
// tRPC and in the seed's REST answers alike. Groq is the fake provider; nothing else is available.
import { fileURLToPath } from 'node:url'
import { createCaller, createContext, type MetadataEvent, type StreamEvent } from '@tokenflow/api'
import { type FakeProvider, startFakeProvider } from '@tokenflow/fake-provider'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from './build-app'
import { type MlServiceHandle, startMlService } from './ml-service'
import { readJson } from './read-json'

const legalCatalog = fileURLToPath(new URL('./catalogs/legal.json', import.meta.url))
// In catalogs/legal.json: legal ranks gpt-oss-20b first (no shipped category does) and falls
// back to llama-3.1-8b-instant; the best general model with only Groq up is gpt-oss-120b.
const LEGAL_FIRST = 'groq/openai/gpt-oss-20b'
const LEGAL_FALLBACK = 'groq/llama-3.1-8b-instant'
const BEST_GENERAL = 'groq/openai/gpt-oss-120b'

const legalPrompt =
  'Our supplier wants to end the contract early. Can they terminate for convenience if the ' +
  'agreement only mentions termination for material breach?'

let ml: MlServiceHandle
let fake: FakeProvider
beforeAll(async () => {
  ;[ml, fake] = await Promise.all([startMlService(), startFakeProvider()])
})
afterAll(async () => {
  await Promise.all([ml?.stop(), fake?.close()])
})

const gateway = async (env: Record<string, string> = {}) => {
  const { app, services } = await buildApp({
    ML_SERVICE_URL: ml.url,
    ML_INTERNAL_TOKEN: ml.token,
    GROQ_API_KEY: 'gsk-fake-key',
    GROQ_BASE_URL: fake.url,
    // The first request with a new category set trains its head inside the ML call.
    ML_TIMEOUT_MS: '120000',
    ...env,
  })
  return { app, caller: createCaller(createContext(services)) }
}

const routedMetadata = async (
  caller: Awaited<ReturnType<typeof gateway>>['caller'],
  prompt: string,
) => {
  const events: StreamEvent[] = []
  for await (const item of await caller.routing.stream({ prompt, strategy: 'quality' })) {
    events.push((item as unknown as [string, StreamEvent])[1])
  }
  expect(events.map((e) => e.type).at(-1)).toBe('end')
  const [metadata] = events
  if (metadata?.type !== 'metadata') throw new Error('the stream did not start with metadata')
  return metadata
}

/** The metadata event of a seed SSE stream (POST /api/models/select), as the client reads it. */
const seedMetadata = async (app: Awaited<ReturnType<typeof gateway>>['app'], prompt: string) => {
  const response = await app.request('/api/models/select', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ prompt, strategy: 'quality' }),
  })
  expect(response.status).toBe(200)
  const events = (await response.text())
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => JSON.parse(line.slice('data: '.length)) as { event: string; data: unknown })
  expect(events.map((e) => e.event).at(-1)).toBe('end_stream')
  // biome-ignore lint/suspicious/noExplicitAny: snake_case wire data; every field read is asserted
  return events.find((e) => e.event === 'metadata')?.data as any
}

describe('a custom category from TOKENFLOW_CONFIG', () => {
  it('is learned from its examples and classified with a calibrated confidence', async () => {
    const { app, caller } = await gateway({ TOKENFLOW_CONFIG: legalCatalog })
    const result = await caller.classification.classify({ prompt: legalPrompt })
    expect(result.topCategory).toBe('legal')
    expect(result.method).toBe('embedding-head')
    expect(result.calibrated).toBe(true)
    expect(result.scores.map((s) => s.category)).toContain('legal')
    expect(result.abstained).toBe(false)
    expect(result.reason).toBeNull()
    expect(result.recommendedModel?.id).toBe(LEGAL_FIRST)

    const response = await app.request('/api/classify', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: legalPrompt }),
    })
    expect(response.status).toBe(200)
    const rest = await readJson(response)
    expect(rest).toMatchObject({
      top_category: 'legal',
      method: 'embedding-head',
      calibrated: true,
      abstained: false,
      reason: null,
      recommended_model: { id: LEGAL_FIRST },
    })
  }, 180_000)

  it('routes a confident legal prompt to the model ranked first for legal, without abstaining', async () => {
    const { caller } = await gateway({ TOKENFLOW_CONFIG: legalCatalog })
    const metadata = await routedMetadata(caller, legalPrompt)
    expect(metadata.model.id).toBe(LEGAL_FIRST)
    expect(metadata.category).toMatchObject({
      id: 'legal',
      method: 'embedding-head',
      calibrated: true,
      abstained: false,
      reason: null,
    })
    expect(metadata.category?.confidence).toBeGreaterThanOrEqual(0.5)
  })
})

describe('abstention below ROUTING_MIN_CONFIDENCE', () => {
  it("routes to the category's fallback model and says so, in tRPC and in the seed stream", async () => {
    const { app, caller } = await gateway({
      TOKENFLOW_CONFIG: legalCatalog,
      ROUTING_MIN_CONFIDENCE: '0.999',
    })
    const metadata = await routedMetadata(caller, legalPrompt)
    const category = metadata.category as NonNullable<MetadataEvent['category']>
    expect(category.id).toBe('legal')
    expect(category.confidence).toBeLessThan(0.999)
    expect(category.abstained).toBe(true)
    expect(category.reason).toBe(
      `confidence ${category.confidence.toFixed(3)} below 0.999: routed to the fallback model ${LEGAL_FALLBACK}`,
    )
    expect(metadata.model.id).toBe(LEGAL_FALLBACK)

    const seed = await seedMetadata(app, legalPrompt)
    expect(seed.model.id).toBe(LEGAL_FALLBACK)
    expect(seed.category).toMatchObject({
      id: 'legal',
      abstained: true,
      reason: expect.stringMatching(/below 0\.999: routed to the fallback model/),
      calibrated: true,
      method: 'embedding-head',
    })

    const classified = await caller.classification.classify({ prompt: legalPrompt })
    expect(classified.abstained).toBe(true)
    expect(classified.recommendedModel?.id).toBe(LEGAL_FALLBACK)
    expect(classified.reason).toMatch(/routed to the fallback model groq\/llama-3\.1-8b-instant$/)
  })

  it('routes to the best general model when the category has no fallback', async () => {
    const { caller } = await gateway({ ROUTING_MIN_CONFIDENCE: '0.999' })
    const metadata = await routedMetadata(caller, 'Hello there, can you help me with something?')
    expect(metadata.category?.abstained).toBe(true)
    expect(metadata.category?.reason).toMatch(
      new RegExp(`below 0\\.999: routed to the best general model ${BEST_GENERAL}$`),
    )
    expect(metadata.model.id).toBe(BEST_GENERAL)
  })

  it('never abstains with ROUTING_MIN_CONFIDENCE=0', async () => {
    const { caller } = await gateway({ ROUTING_MIN_CONFIDENCE: '0' })
    const metadata = await routedMetadata(caller, 'Hello there, can you help me with something?')
    expect(metadata.category).toMatchObject({ abstained: false, reason: null })
  })
})
