// The result cache on the real ML service and a real Redis. A repeated compression or
// classification is a memory hit; with Redis, replica B is served what replica A computed, from
// Redis. Then the ML service is killed: the cached answers still come, so they never reached it.
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cacheKey } from '../src/cache/cache-key'
import { toCompressRequest } from '../src/compression/compression-service'
import { createLogger } from '../src/observability/logger'
import { createSharedState, type SharedState } from '../src/state/shared-state'
import { buildApp } from './build-app'
import { type MlServiceHandle, startMlService } from './ml-service'
import { readJson } from './read-json'
import { type RedisServerHandle, startRedisServer } from './redis-server'

type Gateway = Awaited<ReturnType<typeof buildApp>>

let ml: MlServiceHandle
let redis: RedisServerHandle
let admin: Redis
const states: SharedState[] = []

/** A gateway on the real ML service; `shared`: one more replica on the common Redis. */
const gateway = (shared: boolean): Promise<Gateway> => {
  const state = shared
    ? createSharedState({ url: redis.url, logger: createLogger({ level: 'silent' }) })
    : undefined
  if (state) states.push(state)
  return buildApp({ ML_SERVICE_URL: ml.url, ML_INTERNAL_TOKEN: ml.token }, {}, state)
}

const post = (app: Gateway, path: string, body: unknown) =>
  app.app.request(`/api${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

/** tokenflow_cache_requests_total as /metrics shows it, summed over the series that match. */
const cacheRequests = async (app: Gateway, labels: Record<string, string>) => {
  const text = await (await app.app.request('/metrics')).text()
  let total = 0
  for (const [, series = '', value] of text.matchAll(
    /^tokenflow_cache_requests_total\{([^}]*)\} (\S+)$/gm,
  )) {
    const found = Object.fromEntries(
      [...series.matchAll(/(\w+)="([^"]*)"/g)].map(([, name, v]) => [name, v]),
    )
    if (Object.entries(labels).every(([name, v]) => found[name] === v)) total += Number(value)
  }
  return total
}

const until = async (condition: () => Promise<boolean>, what: string) => {
  const deadline = Date.now() + 10_000
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((done) => setTimeout(done, 20))
  }
}

const paragraph = (topic: string) =>
  Array.from(
    { length: 6 },
    (_, i) =>
      `Note ${i} on ${topic}: the team reviewed the figures twice, found that the estimates held, and agreed to report the results to the board next week.`,
  ).join('\n')

const soloText = paragraph('the solo gateway')
const sharedText = paragraph('the shared cache')
const prompt = 'Write a Python function that reverses a linked list.'

let solo: Gateway
let replicaA: Gateway
let replicaB: Gateway

beforeAll(async () => {
  ;[ml, redis] = await Promise.all([
    startMlService({ env: { ML_ENABLE_GENERATION: 'false' } }),
    startRedisServer(),
  ])
  admin = new Redis(redis.url)
  solo = await gateway(false)
  replicaA = await gateway(true)
  replicaB = await gateway(true)
  await until(async () => states.every((state) => state.ready()), 'Redis')
})

afterAll(async () => {
  admin?.disconnect()
  await Promise.all(states.map((state) => state.close()))
  await Promise.all([ml?.stop(), redis?.stop()])
})

describe('result cache on the real ML service', () => {
  it('answers a repeated compression from memory, with the same result', async () => {
    const first = await post(solo, '/compress', { text: soloText, ratio: 0.5 })
    expect(first.status).toBe(200)
    const second = await post(solo, '/compress', { text: soloText, ratio: 0.5 })
    expect(second.status).toBe(200)
    const [computed, cached] = [await readJson(first), await readJson(second)]
    expect(cached.compressed_text).toBe(computed.compressed_text)
    expect(cached.segments).toEqual(computed.segments)
    const memory = { cache: 'compression', tier: 'memory' }
    expect(await cacheRequests(solo, { ...memory, result: 'miss' })).toBe(1)
    expect(await cacheRequests(solo, { ...memory, result: 'hit' })).toBe(1)
    // Another ratio is another answer.
    expect((await post(solo, '/compress', { text: soloText, ratio: 0.3 })).status).toBe(200)
    expect(await cacheRequests(solo, { ...memory, result: 'miss' })).toBe(2)
  })

  it('answers a repeated classification from memory, and misses for other categories', async () => {
    const first = await readJson(await post(solo, '/classify', { prompt }))
    const second = await readJson(await post(solo, '/classify', { prompt }))
    expect(second.top_category).toBe(first.top_category)
    expect(second.all_categories).toEqual(first.all_categories)
    expect(second.recommended_model).toEqual(first.recommended_model)
    await post(solo, '/classify', { prompt, possible_categories: ['reasoning', 'text-to-text'] })
    const memory = { cache: 'classification', tier: 'memory' }
    expect(await cacheRequests(solo, { ...memory, result: 'hit' })).toBe(1)
    expect(await cacheRequests(solo, { ...memory, result: 'miss' })).toBe(2)
  })

  it("serves replica A's compression to replica B from Redis", async () => {
    const input = { text: sharedText, ratio: 0.5 }
    const computed = await readJson(await post(replicaA, '/compress', input))
    expect(await cacheRequests(replicaA, { tier: 'redis', result: 'miss' })).toBe(1)
    const key = cacheKey('compress', toCompressRequest(input))
    await until(async () => (await admin.exists(key)) === 1, 'the write to Redis')

    const response = await post(replicaB, '/compress', input)
    expect(response.status).toBe(200)
    expect((await readJson(response)).compressed_text).toBe(computed.compressed_text)
    expect(await cacheRequests(replicaB, { tier: 'memory', result: 'miss' })).toBe(1)
    expect(await cacheRequests(replicaB, { tier: 'redis', result: 'hit' })).toBe(1)
  })

  it('serves cached answers with the ML service dead: they never reach it', async () => {
    await ml.kill()
    const late = await gateway(true)
    await until(async () => states.every((state) => state.ready()), 'Redis')

    expect((await post(solo, '/compress', { text: soloText, ratio: 0.5 })).status).toBe(200)
    expect((await post(solo, '/classify', { prompt })).status).toBe(200)
    expect((await post(replicaB, '/compress', { text: sharedText, ratio: 0.5 })).status).toBe(200)
    // A replica started after the ML service died: its answer can only come from Redis.
    const fromRedis = await post(late, '/compress', { text: sharedText, ratio: 0.5 })
    expect(fromRedis.status).toBe(200)
    expect(await cacheRequests(late, { tier: 'redis', result: 'hit' })).toBe(1)

    // Anything not cached does need the ML service.
    const uncached = await post(late, '/compress', {
      text: paragraph('nothing cached'),
      ratio: 0.5,
    })
    expect(uncached.status).toBe(503)
  })
})
