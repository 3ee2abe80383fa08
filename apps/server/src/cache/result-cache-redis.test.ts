// The Redis tier against a real redis-server: two caches (two replicas) sharing it, a value
// that is not ours, a hung Redis, and Redis killed and restarted.
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RedisServerHandle, startRedisServer } from '../../test/redis-server'
import { createLogger } from '../observability/logger'
import { createMetrics } from '../observability/metrics'
import { createSharedState, type SharedState } from '../state/shared-state'
import { cacheKey } from './cache-key'
import { type CacheRequest, createResultCache } from './result-cache'

let server: RedisServerHandle
let admin: Redis
const states: SharedState[] = []

const replica = () => {
  const metrics = createMetrics({ defaultMetrics: false })
  const state = createSharedState({
    url: server.url,
    logger: createLogger({ level: 'silent' }),
    maxReconnectDelayMs: 100,
  })
  states.push(state)
  const cache = createResultCache({ ttlS: 60, maxEntries: 100, state, metrics })
  const count = async (
    counter: 'cacheRequests' | 'cacheErrors',
    labels: Record<string, string>,
  ) => {
    const { values } = await metrics[counter].get()
    return values
      .filter((v) =>
        Object.entries(labels).every(
          ([name, value]) => (v.labels as Record<string, unknown>)[name] === value,
        ),
      )
      .reduce((sum, v) => sum + v.value, 0)
  }
  return { cache, state, count }
}

const compress = (text: string): CacheRequest => ({
  cache: 'compression',
  operation: 'compress',
  request: { text, ratio: 0.5 },
})
const keyOf = (request: CacheRequest) => cacheKey(request.operation, request.request)

const counting = () => {
  let calls = 0
  const load = async () => {
    calls += 1
    return { answer: calls }
  }
  return { load, calls: () => calls }
}

const until = async (condition: () => boolean | Promise<boolean>, what: string) => {
  const deadline = Date.now() + 10_000
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((done) => setTimeout(done, 20))
  }
}
const stored = (request: CacheRequest) =>
  until(async () => (await admin.exists(keyOf(request))) === 1, 'the write to Redis')

beforeAll(async () => {
  server = await startRedisServer()
  admin = new Redis(server.url, { maxRetriesPerRequest: 1, retryStrategy: () => 100 })
  admin.on('error', () => {})
})

afterAll(async () => {
  admin?.disconnect()
  await Promise.all(states.map((state) => state.close()))
  await server?.stop()
})

describe('result cache with Redis shared by two replicas', () => {
  it("serves one replica's result to the other from Redis, then from its own memory", async () => {
    const a = replica()
    const b = replica()
    await until(() => a.state.ready() && b.state.ready(), 'Redis')
    const ml = counting()
    expect(await a.cache.get(compress('shared'), ml.load)).toMatchObject({ source: 'call' })
    await stored(compress('shared'))
    const ttlMs = await admin.pttl(keyOf(compress('shared')))
    expect(ttlMs).toBeGreaterThan(0)
    expect(ttlMs).toBeLessThanOrEqual(60_000)

    expect(await b.cache.get(compress('shared'), ml.load)).toEqual({
      value: { answer: 1 },
      source: 'redis',
    })
    expect(await b.cache.get(compress('shared'), ml.load)).toMatchObject({ source: 'memory' })
    expect(ml.calls()).toBe(1)
    expect(await a.count('cacheRequests', { tier: 'redis', result: 'miss' })).toBe(1)
    expect(await b.count('cacheRequests', { tier: 'redis', result: 'hit' })).toBe(1)
    expect(await b.count('cacheRequests', { tier: 'memory', result: 'hit' })).toBe(1)
  })

  it('recomputes over a value that is not JSON, counting the error', async () => {
    const a = replica()
    await until(() => a.state.ready(), 'Redis')
    await admin.set(keyOf(compress('garbled')), '{not json', 'EX', 60)
    const ml = counting()
    expect(await a.cache.get(compress('garbled'), ml.load)).toMatchObject({ source: 'call' })
    expect(await a.count('cacheErrors', { operation: 'get', reason: 'invalid' })).toBe(1)
    await until(async () => (await admin.get(keyOf(compress('garbled')))) !== '{not json', 'SET')
  })

  it('does not wait on a Redis that stopped answering', async () => {
    const a = replica()
    await until(() => a.state.ready(), 'Redis')
    // Every client's commands are held for 3 s: a hung Redis, its connection still open.
    await admin.call('CLIENT', 'PAUSE', '3000', 'ALL')
    try {
      const ml = counting()
      const started = performance.now()
      expect(await a.cache.get(compress('hung'), ml.load)).toMatchObject({ source: 'call' })
      expect(performance.now() - started).toBeLessThan(1_500)
      expect(await a.count('cacheErrors', { operation: 'get', reason: 'timeout' })).toBe(1)
    } finally {
      // Held like every other command: answered once the pause is over.
      await admin.ping()
    }
  })

  it('answers while Redis is down and uses it again once it is back', async () => {
    const a = replica()
    const b = replica()
    await until(() => a.state.ready() && b.state.ready(), 'Redis')
    const ml = counting()
    await a.cache.get(compress('before'), ml.load)

    await server.kill()
    await until(() => !a.state.ready() && !b.state.ready(), 'the outage to be seen')
    expect(await a.cache.get(compress('before'), ml.load)).toMatchObject({ source: 'memory' })
    expect(await b.cache.get(compress('during'), ml.load)).toMatchObject({ source: 'call' })
    expect(await b.cache.get(compress('during'), ml.load)).toMatchObject({ source: 'memory' })
    expect(ml.calls()).toBe(2)

    await server.restart()
    await until(() => a.state.ready() && b.state.ready(), 'Redis to be back')
    expect(await a.cache.get(compress('after'), ml.load)).toMatchObject({ source: 'call' })
    await stored(compress('after'))
    expect(await b.cache.get(compress('after'), ml.load)).toMatchObject({ source: 'redis' })
    expect(ml.calls()).toBe(3)
  })
})
