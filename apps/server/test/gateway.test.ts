// One real gateway on a free port, the real Python ML service, the fake provider for groq, and
// the real @tokenflow/client: every procedure (subscriptions over real SSE), every REST endpoint,
// and a client that disconnects mid-stream.
import type { StreamEvent } from '@tokenflow/api'
import { createTokenFlowClient, type TokenFlowClient } from '@tokenflow/client'
import { type FakeProvider, startFakeProvider } from '@tokenflow/fake-provider'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from './build-app'
import { type MlServiceHandle, startMlService } from './ml-service'
import { readJson } from './read-json'
import { serveApp } from './serve-app'

let ml: MlServiceHandle
let fake: FakeProvider
let gateway: Awaited<ReturnType<typeof serveApp>>
let client: TokenFlowClient
const API_KEY = 'tf-integration-key-42'

beforeAll(async () => {
  ;[ml, fake] = await Promise.all([startMlService(), startFakeProvider()])
  const { app } = await buildApp({
    ML_SERVICE_URL: ml.url,
    ML_INTERNAL_TOKEN: ml.token,
    GROQ_API_KEY: 'gsk-fake-key',
    GROQ_BASE_URL: fake.url,
    TOKENFLOW_API_KEYS: API_KEY,
  })
  gateway = await serveApp(app)
  client = createTokenFlowClient({ url: gateway.url, apiKey: API_KEY })
})

afterAll(async () => {
  await gateway?.close()
  await Promise.all([ml?.stop(), fake?.close()])
})

const collect = (
  subscribe: (handlers: {
    onData: (value: { data: StreamEvent }) => void
    onError: (error: unknown) => void
  }) => { unsubscribe(): void },
) =>
  new Promise<StreamEvent[]>((resolve, reject) => {
    const events: StreamEvent[] = []
    const subscription = subscribe({
      onData: ({ data }) => {
        events.push(data)
        if (data.type === 'end' || data.type === 'error') {
          subscription.unsubscribe()
          resolve(events)
        }
      },
      onError: reject,
    })
  })

const rest = (path: string, body?: unknown) =>
  fetch(`${gateway.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  })

const longText = Array.from(
  { length: 12 },
  (_, i) =>
    `Paragraph ${i}: the quarterly report explains that revenue grew by ${i + 3} percent, mostly because customers renewed their subscriptions early and the support team answered faster than before.`,
).join('\n')

describe('every procedure through @tokenflow/client over HTTP', () => {
  it('compression.compress shortens text through the ML service', async () => {
    const result = await client.compression.compress.mutate({ text: longText, ratio: 0.5 })
    expect(result.originalTokens).toBeGreaterThan(result.compressedTokens)
    expect(result.compressedText.length).toBeGreaterThan(0)
  })

  it('classification.classify picks a catalog category and recommends a model', async () => {
    const result = await client.classification.classify.mutate({
      prompt: '¿Cuál es la capital de Francia y por qué es famosa?',
    })
    expect(result.scores.length).toBeGreaterThan(1)
    expect(result.topCategory).toBe('multilingual')
    expect(result.recommendedModel?.id).toBeTruthy()
  })

  it('generation.stream streams over SSE: metadata, text, end', async () => {
    const events = await collect((handlers) =>
      client.generation.stream.subscribe(
        { prompt: 'alpha beta gamma', model: 'groq/llama-3.3-70b-versatile' },
        handlers,
      ),
    )
    expect(events[0]?.type).toBe('metadata')
    expect(events.at(-1)?.type).toBe('end')
    const text = events.map((e) => (e.type === 'text' ? e.delta : '')).join('')
    expect(text).toBe('Echo: alpha beta gamma')
  })

  it('routing.stream classifies with the real ML service, then streams from the chosen model', async () => {
    const events = await collect((handlers) =>
      client.routing.stream.subscribe(
        { prompt: 'Summarise this article in three bullet points.', strategy: 'balanced' },
        handlers,
      ),
    )
    const metadata = events[0]
    expect(metadata?.type).toBe('metadata')
    if (metadata?.type === 'metadata') expect(metadata.category?.id).toBeTruthy()
    expect(events.at(-1)?.type).toBe('end')
  })

  it('models.list, models.rankings and system.health answer', async () => {
    const [list, rankings, health] = await Promise.all([
      client.models.list.query(),
      client.models.rankings.query(),
      client.system.health.query(),
    ])
    expect(list.models.some((m) => m.provider === 'groq' && m.available)).toBe(true)
    expect(rankings.categories.length).toBeGreaterThan(0)
    expect(health.dependencies.find((d) => d.name === 'ml-service')?.status).toBe('up')
  })

  it('reports bad input as BAD_REQUEST naming the field', async () => {
    const error = await client.compression.compress
      .mutate({ text: 'x', ratio: 5 })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ data: { code: 'BAD_REQUEST' } })
    expect((error as Error).message).toContain('ratio')
  })
})

describe('REST over real sockets', () => {
  it('POST /api/compress and /api/classify answer in snake_case', async () => {
    const compress = await rest('/api/compress', { text: longText, ratio: 0.5 })
    expect(compress.status).toBe(200)
    const compressed = await readJson(compress)
    expect(Object.keys(compressed)).toEqual(
      expect.arrayContaining([
        'original_text',
        'compressed_text',
        'compression_ratio',
        'latency_ms',
      ]),
    )
    const classify = await rest('/api/classify', {
      prompt: 'Call the get_weather tool for Paris and return JSON.',
      possible_categories: ['function-calling', 'text-to-text'],
    })
    expect(classify.status).toBe(200)
    const classified = await readJson(classify)
    expect(classified.all_categories).toHaveLength(2)
    expect(classified.top_category).toBe('function-calling')
    expect(classified.recommended_model.display_name).toBeTruthy()
  })

  it('GET /api/model-rankings and /api/models', async () => {
    expect((await rest('/api/model-rankings')).status).toBe(200)
    const models = await readJson(await rest('/api/models'))
    expect(models.models[0]).toHaveProperty('provider_model_id')
  })

  it('POST /api/models/select streams the seed SSE events', async () => {
    const response = await rest('/api/models/select', { prompt: 'Explain what a mortgage is.' })
    const text = await response.text()
    const events = text
      .split('\n\n')
      .filter(Boolean)
      .map((frame) => JSON.parse(frame.slice('data: '.length)).event)
    expect(events[0]).toBe('metadata')
    expect(events.at(-1)).toBe('end_stream')
  })

  it('a client that disconnects mid-stream aborts the upstream provider request', async () => {
    fake.script('llama-3.1-8b-instant', {
      kind: 'stream',
      chunks: Array.from({ length: 200 }, (_, i) => `w${i} `),
      delayMs: 20,
    })
    const abortedBefore = fake.aborted()
    const controller = new AbortController()
    const response = await fetch(`${gateway.url}/api/generate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
      body: JSON.stringify({ prompt: 'go on', model: 'groq/llama-3.1-8b-instant' }),
      signal: controller.signal,
    })
    const reader = response.body?.getReader()
    await reader?.read()
    await reader?.read()
    controller.abort()
    const deadline = Date.now() + 2_000
    while (fake.aborted() === abortedBefore && Date.now() < deadline) {
      await new Promise((done) => setTimeout(done, 20))
    }
    expect(fake.aborted()).toBe(abortedBefore + 1)
  })
})
