// The per-minute limits shared through a real redis-server by two gateways (two replicas) over
// real sockets: one combined count for requests, request tokens and failed API keys; with Redis
// killed each replica limits on its own and nothing answers 500; once Redis is back the replicas
// count together again.
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { AppConfig } from '../src/app'
import { createLogger } from '../src/observability/logger'
import { createSharedState, type SharedState } from '../src/state/shared-state'
import { buildApp } from './build-app'
import { freePort } from './free-port'
import { readJson } from './read-json'
import { type RedisServerHandle, startRedisServer } from './redis-server'
import { serveApp } from './serve-app'

let redisServer: RedisServerHandle
let admin: Redis
beforeAll(async () => {
  redisServer = await startRedisServer()
  admin = new Redis(redisServer.url, { maxRetriesPerRequest: 1 })
  admin.on('error', () => {})
})
afterAll(async () => {
  admin.disconnect()
  await redisServer.stop()
})

const opened: { close(): Promise<void> }[] = []
beforeEach(async () => {
  await admin.flushall()
})
afterEach(async () => {
  await Promise.all(opened.splice(0).map((each) => each.close()))
})

const until = async (condition: () => boolean, what: string) => {
  const deadline = Date.now() + 10_000
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((done) => setTimeout(done, 20))
  }
}

const connected = async () => {
  const state = createSharedState({
    url: redisServer.url,
    logger: createLogger({ level: 'silent' }),
    maxReconnectDelayMs: 100,
  })
  opened.push(state)
  await until(state.ready, 'redis')
  return state
}

/** A gateway with its own connection to the shared Redis, served on a free port. */
const replica = async (
  state: SharedState,
  env: Record<string, string> = {},
  config: Partial<AppConfig> = {},
) => {
  const ml = `http://127.0.0.1:${await freePort()}`
  const { app } = await buildApp({ ML_SERVICE_URL: ml, ...env }, config, state)
  const server = await serveApp(app)
  opened.push(server)
  return server.url
}

const rankings = (url: string, headers: Record<string, string> = {}) =>
  fetch(`${url}/api/model-rankings`, { headers })

/** A JSON body of exactly `bytes` bytes, which /api/compress refuses with 400 once admitted. */
const compress = (url: string, bytes: number) =>
  fetch(`${url}/api/compress`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ pad: 'x'.repeat(bytes - 10) }),
  })

describe('rate limits shared through Redis', () => {
  it('enforces one requests-per-minute limit across two replicas', async () => {
    const a = await replica(await connected(), {}, { rateLimitPerMinute: 4 })
    const b = await replica(await connected(), {}, { rateLimitPerMinute: 4 })
    const remaining: (string | null)[] = []
    for (const url of [a, b, a, b]) {
      const response = await rankings(url)
      expect(response.status).toBe(200)
      remaining.push(response.headers.get('ratelimit-remaining'))
    }
    expect(remaining).toEqual(['3', '2', '1', '0'])
    for (const url of [a, b]) {
      const refused = await rankings(url)
      expect(refused.status).toBe(429)
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
      expect((await readJson(refused)).error.message).toMatch(/4 requests per minute/)
    }
    expect(await admin.keys('tf:rl:rpm:*')).toEqual(['tf:rl:rpm:ip:127.0.0.1'])
  })

  it('enforces one tokens-per-minute limit across two replicas', async () => {
    const env = { RATE_LIMIT_TOKENS_PER_MINUTE: '100' }
    const a = await replica(await connected(), env)
    const b = await replica(await connected(), env)
    expect((await compress(a, 200)).status).toBe(400)
    expect((await compress(b, 200)).status).toBe(400)
    const refused = await compress(a, 40)
    expect(refused.status).toBe(429)
    expect((await readJson(refused)).error.message).toMatch(
      /^rate limit of 100 tokens per minute exceeded; retry after \d+ s$/,
    )
    expect((await rankings(b)).status).toBe(200)
  })

  it('counts failed API keys from one address across two replicas', async () => {
    const env = { TOKENFLOW_API_KEYS: 'tf-shared-key-0123', AUTH_FAILURE_LIMIT: '2' }
    const a = await replica(await connected(), env)
    const b = await replica(await connected(), env)
    expect((await rankings(a, { authorization: 'Bearer nope' })).status).toBe(401)
    expect((await rankings(b, { authorization: 'Bearer nope' })).status).toBe(401)
    for (const url of [a, b]) {
      const refused = await rankings(url, { authorization: 'Bearer tf-shared-key-0123' })
      expect(refused.status).toBe(429)
      expect((await readJson(refused)).error.message).toMatch(/failed API key attempts/)
    }
  })

  it('limits each replica locally while Redis is down, and shares again once it is back', async () => {
    const env = { TOKENFLOW_API_KEYS: 'tf-outage-key-0123', AUTH_FAILURE_LIMIT: '5' }
    const states = [await connected(), await connected()]
    const urls: string[] = []
    for (const state of states) urls.push(await replica(state, env, { rateLimitPerMinute: 3 }))
    const call = (url: string, key = 'tf-outage-key-0123') =>
      rankings(url, { authorization: `Bearer ${key}` })

    await redisServer.kill()
    for (const url of urls) {
      const statuses: number[] = []
      for (let i = 0; i < 4; i++) statuses.push((await call(url)).status)
      // Each replica counts in its own memory: three each, then 429, and never a 500.
      expect(statuses).toEqual([200, 200, 200, 429])
      // Wrong keys are still answered 401 and counted, locally too.
      expect((await call(url, 'nope')).status).toBe(401)
    }

    await redisServer.restart()
    await until(() => states.every((state) => state.ready()), 'redis to be back')
    const statuses: number[] = []
    for (const url of [...urls, ...urls]) statuses.push((await call(url)).status)
    expect(statuses).toEqual([200, 200, 200, 429])
    const keys = await admin.keys('tf:rl:rpm:*')
    expect(keys).toHaveLength(1)
    expect(await admin.get(keys[0] ?? '')).toBe('4')
  })
})
