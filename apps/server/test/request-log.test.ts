// The request log, usage and virtual keys end to end: a real gateway on a free port (auth on, one
// static admin key) with its real store (SQLite in a temporary directory), Groq on the fake
// provider, and the real clients: the typed tRPC client over SSE, fetch for REST, the openai SDK
// for /v1. Then the database (PostgreSQL, stopped mid-traffic) going away under requests.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { RequestListInput, RequestRecord, StreamEvent } from '@tokenflow/api'
import { catalog } from '@tokenflow/catalog'
import { createTokenFlowClient, type TokenFlowClient } from '@tokenflow/client'
import { type FakeProvider, startFakeProvider } from '@tokenflow/fake-provider'
import OpenAI from 'openai'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { budgetEstimate } from '../src/keys/budget-estimate'
import { estimateCost } from '../src/models/estimate-cost'
import { buildApp } from './build-app'
import { freePort } from './free-port'
import { type PostgresServerHandle, startPostgresServer } from './postgres-server'
import { readJson } from './read-json'
import { serveApp } from './serve-app'

const ADMIN_KEY = 'tf-request-log-admin-key'
const FAST = 'groq/llama-3.1-8b-instant'
const BIG = 'groq/llama-3.3-70b-versatile'
/** text-to-text under `quality`: BIG first, then this one (OpenRouter is not configured). */
const SECOND = 'groq/openai/gpt-oss-20b'
const routeBody = { possible_categories: ['text-to-text'], strategy: 'quality', compress: 'off' }

let fake: FakeProvider
let built: Awaited<ReturnType<typeof buildApp>>
let gateway: Awaited<ReturnType<typeof serveApp>>
let admin: TokenFlowClient
let startedAt: string

const gatewayEnv = async (fakeUrl: string) => ({
  ML_SERVICE_URL: `http://127.0.0.1:${await freePort()}`,
  GROQ_API_KEY: 'gsk-fake-key',
  GROQ_BASE_URL: fakeUrl,
  TOKENFLOW_API_KEYS: ADMIN_KEY,
})

beforeAll(async () => {
  startedAt = new Date(Date.now() - 1_000).toISOString()
  fake = await startFakeProvider()
  built = await buildApp(await gatewayEnv(fake.url))
  gateway = await serveApp(built.app)
  admin = createTokenFlowClient({ url: gateway.url, apiKey: ADMIN_KEY })
})
afterAll(async () => {
  await gateway?.close()
  await built?.store.close()
  await fake?.close()
})
beforeEach(() => fake.reset())

const catalogModel = (id: string) => {
  const model = catalog.models.find((m) => m.id === id)
  if (!model) throw new Error(`no ${id} in the catalog`)
  return model
}

/** The log's rows since the tests began, once every queued row is written. */
const rows = async (filter: Omit<RequestListInput, 'from' | 'limit'> = {}) => {
  await built.store.requests.flush()
  return (await admin.requests.list.query({ ...filter, from: startedAt, limit: 200 })).items
}
const rowsOfStream = async (streamId: string) =>
  (await rows()).filter((row) => row.streamId === streamId)
const rowsOfRequest = async (requestId: string | null) =>
  (await rows()).filter((row) => row.requestId === requestId)

const expectEndEvent = (
  row: RequestRecord | undefined,
  end: { promptTokens: number; completionTokens: number; costUsd: number },
) => {
  expect(row).toMatchObject({
    status: 'ok',
    errorCode: null,
    promptTokens: end.promptTokens,
    completionTokens: end.completionTokens,
  })
  expect(row?.costUsd).toBeCloseTo(end.costUsd, 12)
}

type Subscribe = (handlers: {
  onData: (value: { data: StreamEvent }) => void
  onError: (error: unknown) => void
}) => { unsubscribe(): void }

/** A subscription's events up to `end` or `error`; `onEvent` sees each as it comes. */
const collect = (subscribe: Subscribe, onEvent: (event: StreamEvent) => void = () => {}) =>
  new Promise<StreamEvent[]>((resolve, reject) => {
    const events: StreamEvent[] = []
    const subscription = subscribe({
      onData: ({ data }) => {
        events.push(data)
        onEvent(data)
        if (data.type === 'end' || data.type === 'error') {
          subscription.unsubscribe()
          resolve(events)
        }
      },
      onError: (error) => {
        subscription.unsubscribe()
        reject(error)
      },
    })
  })

const eventOf = <T extends StreamEvent['type']>(events: StreamEvent[], type: T) =>
  events.findLast((event) => event.type === type) as Extract<StreamEvent, { type: T }>

const rest = (path: string, body: unknown, key = ADMIN_KEY) =>
  fetch(`${gateway.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
  })

type SeedFrame = { event: string; data: Record<string, unknown> & { usage?: never } }
const seedFrames = async (response: Response): Promise<SeedFrame[]> =>
  (await response.text())
    .split('\n\n')
    .filter((frame) => frame.startsWith('data: '))
    .map((frame) => JSON.parse(frame.slice('data: '.length)))

const seedEnd = (frames: SeedFrame[]) => {
  const end = frames.find((frame) => frame.event === 'end_stream')?.data as unknown as {
    usage: { prompt_tokens: number; completion_tokens: number }
    cost_usd: number
  }
  return {
    promptTokens: end.usage.prompt_tokens,
    completionTokens: end.usage.completion_tokens,
    costUsd: end.cost_usd,
  }
}
const seedStreamId = (frames: SeedFrame[]) =>
  String(frames.find((frame) => frame.event === 'metadata')?.data.stream_id)

const openAi = (apiKey: string) =>
  new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey, maxRetries: 0 })

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as Error & Record<string, unknown>,
  )

describe('one row per request, on every path', () => {
  it('tRPC, REST and /v1 streams each write one row with the end event tokens and cost', async () => {
    const events = await collect((handlers) =>
      admin.generation.stream.subscribe({ prompt: 'alpha beta gamma', model: FAST }, handlers),
    )
    const trpcRows = await rowsOfStream(eventOf(events, 'metadata').streamId)
    expect(trpcRows).toHaveLength(1)
    expectEndEvent(trpcRows[0], { ...eventOf(events, 'end').usage, ...eventOf(events, 'end') })
    expect(trpcRows[0]).toMatchObject({
      endpoint: 'trpc',
      kind: 'generation',
      requestedModel: FAST,
      model: FAST,
      provider: 'groq',
      finishReason: 'stop',
      ttftMs: eventOf(events, 'end').timeToFirstTokenMs,
      apiKeyId: expect.any(String),
      // LOG_PROMPTS is off.
      prompt: null,
      answer: null,
    })

    const response = await rest('/api/models/select', { prompt: 'Summarise this', ...routeBody })
    const frames = await seedFrames(response)
    const restRows = await rowsOfStream(seedStreamId(frames))
    expect(restRows).toHaveLength(1)
    expectEndEvent(restRows[0], seedEnd(frames))
    expect(restRows[0]).toMatchObject({
      endpoint: 'rest',
      kind: 'routing',
      requestedModel: null,
      model: BIG,
      category: 'text-to-text',
      confidence: 1,
      strategy: 'quality',
      fallbacks: 0,
      requestId: response.headers.get('x-request-id'),
    })

    const { data: stream, response: head } = await openAi(ADMIN_KEY)
      .chat.completions.create({
        model: FAST,
        messages: [{ role: 'user', content: 'one two three' }],
        stream: true,
      })
      .withResponse()
    let usage: OpenAI.CompletionUsage | undefined
    for await (const chunk of stream) usage = chunk.usage ?? usage
    const v1Rows = await rowsOfStream(String(head.headers.get('x-tokenflow-stream-id')))
    expect(v1Rows).toHaveLength(1)
    const v1Usage = {
      promptTokens: usage?.prompt_tokens ?? -1,
      completionTokens: usage?.completion_tokens ?? -1,
    }
    expectEndEvent(v1Rows[0], {
      ...v1Usage,
      costUsd: estimateCost(catalogModel(FAST), { ...v1Usage, totalTokens: 0 }),
    })
    expect(v1Rows[0]).toMatchObject({ endpoint: 'openai', kind: 'generation', model: FAST })
  })

  it('an aborted stream is one `aborted` row charged for what it produced', async () => {
    fake.script('llama-3.1-8b-instant', {
      kind: 'stream',
      chunks: Array.from({ length: 60 }, (_, i) => ` w${i}`),
      delayMs: 15,
    })
    let streamId = ''
    let texts = 0
    const events = await collect(
      (handlers) => admin.generation.stream.subscribe({ prompt: 'count', model: FAST }, handlers),
      (event) => {
        if (event.type === 'metadata') streamId = event.streamId
        texts += event.type === 'text' ? 1 : 0
        if (texts === 3) void admin.generation.cancel.mutate({ streamId })
      },
    )
    expect(eventOf(events, 'error')).toMatchObject({ code: 'ABORTED' })
    const [row] = await rowsOfStream(eventOf(events, 'metadata').streamId)
    expect(row).toMatchObject({ status: 'aborted', errorCode: 'ABORTED', finishReason: null })
    // Estimated: the prompt as sent and the answer so far, at the model's prices.
    expect(row?.completionTokens).toBeGreaterThan(0)
    expect(row?.costUsd).toBeCloseTo(
      estimateCost(catalogModel(FAST), {
        promptTokens: row?.promptTokens ?? 0,
        completionTokens: row?.completionTokens ?? 0,
        totalTokens: 0,
      }),
      12,
    )

    // A REST client that leaves cancels its stream: one aborted row too.
    const controller = new AbortController()
    const response = await fetch(`${gateway.url}/api/generate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
      body: JSON.stringify({ prompt: 'count', model: FAST }),
      signal: controller.signal,
    })
    const reader = response.body?.getReader()
    await reader?.read()
    await reader?.read()
    controller.abort()
    const requestId = response.headers.get('x-request-id')
    await expect.poll(async () => (await rowsOfRequest(requestId)).length).toBe(1)
    expect((await rowsOfRequest(requestId))[0]).toMatchObject({
      endpoint: 'rest',
      status: 'aborted',
    })
  })

  it('a failed-over stream is one row naming the model that answered', async () => {
    fake.script('llama-3.3-70b-versatile', { kind: 'server-error', status: 500 })
    const frames = await seedFrames(
      await rest('/api/models/select', { prompt: 'Summarise this', ...routeBody }),
    )
    const streamRows = await rowsOfStream(seedStreamId(frames))
    expect(streamRows).toHaveLength(1)
    expectEndEvent(streamRows[0], seedEnd(frames))
    expect(streamRows[0]).toMatchObject({ model: SECOND, fallbacks: 1, status: 'ok' })
  })

  it('failed streams and requests that fail before a stream are `error` rows', async () => {
    // Every candidate failed before a token: nothing to charge.
    fake.script('llama-3.1-8b-instant', { kind: 'server-error', status: 500 })
    const failed = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
      body: JSON.stringify({ model: FAST, messages: [{ role: 'user', content: 'hi' }] }),
    })
    expect(failed.status).toBe(502)
    const [failedRow, ...more] = await rowsOfRequest(failed.headers.get('x-request-id'))
    expect(more).toEqual([])
    expect(failedRow).toMatchObject({
      endpoint: 'openai',
      status: 'error',
      errorCode: 'PROVIDER_ERROR',
      streamId: expect.any(String),
      costUsd: 0,
      promptTokens: 0,
    })

    // Broken after its first tokens: the error, charged for what came.
    fake.script('llama-3.1-8b-instant', {
      kind: 'stream',
      chunks: ['a', ' b', ' c', ' d'],
      cutAfter: 2,
    })
    const events = await collect((handlers) =>
      admin.generation.stream.subscribe({ prompt: 'hi', model: FAST }, handlers),
    )
    const [cutRow] = await rowsOfStream(eventOf(events, 'metadata').streamId)
    expect(cutRow).toMatchObject({ status: 'error', errorCode: eventOf(events, 'error').code })
    expect(cutRow?.costUsd).toBeGreaterThan(0)

    const unknown = await rest('/api/generate', { prompt: 'hi', model: 'acme/none' })
    expect(unknown.status).toBe(400)
    const [unknownRow] = await rowsOfRequest(unknown.headers.get('x-request-id'))
    expect(unknownRow).toMatchObject({
      status: 'error',
      errorCode: 'MODEL_NOT_FOUND',
      requestedModel: 'acme/none',
      streamId: null,
      costUsd: 0,
    })
  })

  it('usage.summary and usage.timeseries add up the rows; requests.list filters them', async () => {
    const all = await rows()
    const summary = await admin.usage.summary.query({ from: startedAt })
    expect(summary.requests).toBe(all.length)
    expect(summary.errors).toBe(all.filter((row) => row.status === 'error').length)
    expect(summary.promptTokens).toBe(all.reduce((sum, row) => sum + row.promptTokens, 0))
    expect(summary.costUsd).toBeCloseTo(
      all.reduce((sum, row) => sum + row.costUsd, 0),
      12,
    )
    const series = await admin.usage.timeseries.query({ from: startedAt, groupBy: 'model' })
    expect(series.points.reduce((sum, point) => sum + point.requests, 0)).toBe(all.length)
    expect(series.points.map((point) => point.group)).toEqual(
      expect.arrayContaining([FAST, BIG, SECOND]),
    )

    const aborted = await rows({ status: 'aborted' })
    expect(aborted.length).toBeGreaterThanOrEqual(2)
    expect(aborted.every((row) => row.status === 'aborted')).toBe(true)
    const viaRest = await rows({ endpoint: 'rest', model: BIG })
    expect(viaRest.length).toBeGreaterThan(0)
    expect(viaRest.every((row) => row.endpoint === 'rest' && row.model === BIG)).toBe(true)
    const [first] = all
    expect(await admin.requests.get.query({ id: first?.id ?? '' })).toEqual(first)
    const missing = await failureOf(admin.requests.get.query({ id: 'no-such-row' }))
    expect(missing).toMatchObject({ data: { code: 'NOT_FOUND' } })
  })
})

describe('virtual keys', () => {
  const restStatus = async (path: string, body: unknown, key: string) => {
    const response = await rest(path, body, key)
    await response.text()
    return response.status
  }

  it('work on all three paths as a non-admin caller, and a revoked key gets 401', async () => {
    const { key, record } = await admin.keys.create.mutate({ name: 'team-a' })
    expect(key).not.toContain(record.id)
    const team = createTokenFlowClient({ url: gateway.url, apiKey: key })
    const events = await collect((handlers) =>
      team.generation.stream.subscribe({ prompt: 'hi', model: FAST }, handlers),
    )
    expect(eventOf(events, 'end')).toBeTruthy()
    expect(await restStatus('/api/generate', { prompt: 'hi', model: FAST }, key)).toBe(200)
    const answer = await openAi(key).chat.completions.create({
      model: FAST,
      messages: [{ role: 'user', content: 'hi' }],
    })
    expect(answer.choices[0]?.message.content).toBe('Echo: hi')
    const keyRows = await rows({ apiKeyId: record.id })
    expect(keyRows.map((row) => row.endpoint).sort()).toEqual(['openai', 'rest', 'trpc'])

    expect(await failureOf(team.keys.list.query())).toMatchObject({
      data: { code: 'FORBIDDEN' },
    })
    expect(await failureOf(team.usage.summary.query({}))).toMatchObject({
      data: { code: 'FORBIDDEN' },
    })

    expect(await admin.keys.revoke.mutate({ id: record.id })).toEqual({ revoked: true })
    expect(await restStatus('/api/generate', { prompt: 'hi', model: FAST }, key)).toBe(401)
    const refused = await failureOf(
      openAi(key).chat.completions.create({
        model: FAST,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    )
    expect(refused).toBeInstanceOf(OpenAI.AuthenticationError)
    const listed = (await admin.keys.list.query()).items.find((item) => item.id === record.id)
    expect(listed?.revokedAt).not.toBeNull()
  })

  it('are held to their models: 403 for another one, routing among the allowed', async () => {
    const { key } = await admin.keys.create.mutate({ name: 'small-only', allowedModels: [FAST] })
    const refused = await rest('/api/generate', { prompt: 'hi', model: BIG }, key)
    expect(refused.status).toBe(403)
    expect((await readJson(refused)).error.message).toContain(`model: ${BIG} is not allowed`)
    const openAiRefusal = await failureOf(
      openAi(key).chat.completions.create({
        model: BIG,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    )
    expect(openAiRefusal).toBeInstanceOf(OpenAI.PermissionDeniedError)
    const frames = await seedFrames(
      await rest('/api/models/select', { prompt: 'Summarise this', ...routeBody }, key),
    )
    expect(frames.find((frame) => frame.event === 'metadata')?.data.model).toMatchObject({
      id: FAST,
    })
  })

  it('are held to their own requests per minute', async () => {
    const { key } = await admin.keys.create.mutate({ name: 'slow', requestsPerMinute: 2 })
    const body = { prompt: 'hi', model: FAST }
    expect(await restStatus('/api/generate', body, key)).toBe(200)
    expect(await restStatus('/api/generate', body, key)).toBe(200)
    const limited = await rest('/api/generate', body, key)
    expect(limited.status).toBe(429)
    expect((await readJson(limited)).error.message).toContain(
      '2 requests per minute for this API key',
    )
  })

  it('are refused with 429 once over budget, on every path, and spend what their rows cost', async () => {
    const chunks = Array.from({ length: 40 }, (_, i) => ` w${i}`)
    fake.script('llama-3.3-70b-versatile', { kind: 'stream', chunks })
    const body = { prompt: 'Count to forty', model: BIG, max_tokens: 40 }
    const estimate = budgetEstimate(catalogModel(BIG), {
      messages: [{ role: 'user', content: body.prompt }],
      sampling: { maxTokens: 40 },
    })
    const budgetUsd = Number((estimate * 2.5).toFixed(9))
    const { key, record } = await admin.keys.create.mutate({
      name: 'budgeted',
      budgetUsd,
      budgetPeriod: 'day',
    })
    const statuses: number[] = []
    let refusal: { error: { code: string; message: string } } | undefined
    while (statuses.length < 10 && !refusal) {
      const response = await rest('/api/generate', body, key)
      statuses.push(response.status)
      if (response.status === 429) refusal = await readJson(response)
      else await response.text()
    }
    expect(statuses.slice(0, -1).every((status) => status === 200)).toBe(true)
    expect(statuses.length).toBeGreaterThan(1)
    expect(refusal?.error.code).toBe('TOO_MANY_REQUESTS')
    expect(refusal?.error.message).toMatch(
      new RegExp(`^budget of \\$${budgetUsd} per day exhausted: \\$[0-9.]+ spent, \\$0 reserved`),
    )

    const team = createTokenFlowClient({ url: gateway.url, apiKey: key })
    const viaTrpc = await failureOf(
      collect((handlers) =>
        team.generation.stream.subscribe(
          { prompt: body.prompt, model: BIG, maxTokens: 40 },
          handlers,
        ),
      ),
    )
    expect(viaTrpc).toMatchObject({ data: { code: 'TOO_MANY_REQUESTS' } })
    const viaOpenAi = await failureOf(
      openAi(key).chat.completions.create({
        model: BIG,
        max_tokens: 40,
        messages: [{ role: 'user', content: body.prompt }],
      }),
    )
    // Routing is admitted once it has chosen the model, so REST's routed stream (whose head goes
    // out before classification) says so in its error event.
    const routed = await seedFrames(
      await rest('/api/models/select', { prompt: body.prompt, ...routeBody }, key),
    )
    expect(routed).toEqual([
      {
        event: 'error',
        data: expect.objectContaining({
          code: 'TOO_MANY_REQUESTS',
          message: expect.stringContaining('exhausted'),
        }),
      },
    ])
    expect(
      await failureOf(
        collect((handlers) =>
          team.routing.stream.subscribe(
            { prompt: body.prompt, possibleCategories: ['text-to-text'], compress: 'off' },
            handlers,
          ),
        ),
      ),
    ).toMatchObject({ data: { code: 'TOO_MANY_REQUESTS' } })
    expect(viaOpenAi).toBeInstanceOf(OpenAI.RateLimitError)
    expect(viaOpenAi).toMatchObject({
      status: 429,
      code: 'insufficient_quota',
      type: 'insufficient_quota',
    })

    const keyRows = await rows({ apiKeyId: record.id })
    const spent = keyRows.reduce((sum, row) => sum + row.costUsd, 0)
    const listed = (await admin.keys.list.query()).items.find((item) => item.id === record.id)
    expect(listed?.spentUsd).toBeCloseTo(spent, 12)
    expect(spent).toBeLessThanOrEqual(budgetUsd)
    expect(keyRows.filter((row) => row.errorCode === 'BUDGET_EXCEEDED')).toHaveLength(5)
  })

  it('200 concurrent requests spend at most the budget plus one estimate, counted once', async () => {
    fake.script('llama-3.1-8b-instant', {
      kind: 'stream',
      chunks: Array.from({ length: 20 }, (_, i) => ` w${i}`),
      delayMs: 5,
    })
    const body = { prompt: 'Count to twenty', model: FAST, max_tokens: 20 }
    const estimate = budgetEstimate(catalogModel(FAST), {
      messages: [{ role: 'user', content: body.prompt }],
      sampling: { maxTokens: 20 },
    })
    const budgetUsd = Number((estimate * 12).toFixed(9))
    const { key, record } = await admin.keys.create.mutate({
      name: 'crowd',
      budgetUsd,
      budgetPeriod: 'month',
    })
    const statuses = await Promise.all(
      Array.from({ length: 200 }, async () => {
        const response = await rest('/api/generate', body, key)
        await response.text()
        return response.status
      }),
    )
    expect(statuses.every((status) => status === 200 || status === 429)).toBe(true)
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThan(0)
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThan(0)

    const keyRows = await rows({ apiKeyId: record.id })
    expect(keyRows).toHaveLength(200)
    const spent = keyRows.reduce((sum, row) => sum + row.costUsd, 0)
    expect(spent).toBeLessThanOrEqual(budgetUsd + estimate)
    const listed = (await admin.keys.list.query()).items.find((item) => item.id === record.id)
    expect(listed?.spentUsd).toBeCloseTo(spent, 12)
  })
})

describe('with auth off', () => {
  it('admits every caller as an admin but one presenting a virtual key, held to that key', async () => {
    const open = await buildApp({
      ...(await gatewayEnv(fake.url)),
      TOKENFLOW_API_KEYS: '',
      LOG_PROMPTS: 'true',
    })
    const { key, record } = await open.services.keys.create({
      name: 'labelled',
      allowedModels: [FAST],
    })
    const generate = async (model: string, authorization?: string) => {
      const response = await open.app.request('/api/generate', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(authorization ? { authorization } : {}),
        },
        body: JSON.stringify({ prompt: 'alpha beta', model }),
      })
      await response.text()
      return response.status
    }
    // No key, or a key that is not TokenFlow's (an SDK's placeholder): an admin.
    expect(await generate(BIG)).toBe(200)
    expect(await generate(BIG, 'Bearer sk-placeholder')).toBe(200)
    expect(await generate(BIG, `Bearer ${key}`)).toBe(403)
    expect(await generate(FAST, `Bearer ${key}`)).toBe(200)
    const keysList = await open.app.request('/trpc/keys.list', {
      headers: { authorization: `Bearer ${key}` },
    })
    expect(keysList.status).toBe(403)
    // A TokenFlow key that does not verify is refused, not let in as an admin: revoking a key
    // must end its requests, not lift its limits.
    expect(await generate(FAST, 'Bearer tf_not-a-key')).toBe(401)

    await open.store.requests.flush()
    const logged = (await open.services.requests.list({})).items
    expect(logged.filter((row) => row.apiKeyId === null)).toHaveLength(2)
    // LOG_PROMPTS on: the prompt and the answer are kept.
    expect(logged.find((row) => row.apiKeyId === record.id && row.status === 'ok')).toMatchObject({
      prompt: 'user: alpha beta',
      answer: 'Echo: alpha beta',
    })
    await open.services.keys.revoke({ id: record.id })
    expect(await generate(FAST, `Bearer ${key}`)).toBe(401)
    await open.store.close()
  })
})

describe('the database going away', () => {
  let postgres: PostgresServerHandle
  let away: Awaited<ReturnType<typeof buildApp>>
  let server: Awaited<ReturnType<typeof serveApp>>
  // The ML service's readiness, so that the database alone decides /readyz here.
  let ml: Server

  beforeAll(async () => {
    ml = createServer((req, res) => {
      res.writeHead(req.url === '/ready' ? 200 : 404, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ ready: true }))
    })
    await new Promise<void>((listening) => ml.listen(0, '127.0.0.1', listening))
    postgres = await startPostgresServer()
    away = await buildApp({
      ...(await gatewayEnv(fake.url)),
      ML_SERVICE_URL: `http://127.0.0.1:${(ml.address() as AddressInfo).port}`,
      DATABASE_URL: await postgres.createDatabase('request_log_away'),
    })
    server = await serveApp(away.app)
  })
  afterAll(async () => {
    await server?.close()
    await away?.store.close()
    await postgres?.stop()
    await new Promise((closed) => ml?.close(closed))
  })

  it('fails no request; /readyz says the database is down, degraded', async () => {
    const before = await readJson(await fetch(`${server.url}/readyz`))
    expect(before.status).toBe('ok')
    expect(before.dependencies).toContainEqual(
      expect.objectContaining({ name: 'database', kind: 'state', status: 'up' }),
    )
    const generate = async () => {
      const response = await fetch(`${server.url}/api/generate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
        body: JSON.stringify({ prompt: 'still here', model: FAST }),
      })
      const frames = await seedFrames(response)
      return response.status === 200 && frames.at(-1)?.event === 'end_stream'
    }
    const results: boolean[] = []
    for (let round = 0; round < 6; round++) {
      if (round === 3) await postgres.stop()
      results.push(...(await Promise.all(Array.from({ length: 10 }, generate))))
      await new Promise((done) => setTimeout(done, 250))
    }
    expect(results.filter((ok) => !ok)).toEqual([])

    await away.store.requests.flush()
    const ready = await fetch(`${server.url}/readyz`)
    const health = await readJson(ready)
    expect(ready.status).toBe(200)
    expect(health.dependencies).toContainEqual(
      expect.objectContaining({ name: 'database', status: 'down' }),
    )
    expect(health.status).toBe('degraded')
  })
})
