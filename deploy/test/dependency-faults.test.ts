// The stack's shared dependencies, through HAProxy on the fake provider: the result cache shared
// by the replicas in Redis, Redis killed and restarted under traffic, and one ML replica lost.
import { type FakeProvider, startFakeProvider } from '@tokenflow/fake-provider'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Stack, startStack } from '../src/stack'
import { burst } from './burst'
import { metricSum } from './metric-sum'

const LIMIT = 100
// One key per test (the limit counts per key); the traffic spreads over three to stay under it.
const KEYS = {
  cache: 'key-cache',
  traffic: ['key-traffic-1', 'key-traffic-2', 'key-traffic-3'],
  afterRedis: 'key-after-redis',
  ml: 'key-ml',
}
const MODEL = 'groq/llama-3.1-8b-instant'
const PARAGRAPH =
  'The customer wrote in on Monday about order 4417: the blender arrived with a cracked jar, ' +
  'the replacement shipped on Wednesday never came, and support promised a refund within five ' +
  'business days but nothing has reached the card yet. They would like the refund or a new jar.'

let fake: FakeProvider
let stack: Stack

beforeAll(async () => {
  fake = await startFakeProvider({ record: false })
  stack = await startStack({
    fakeProviderUrl: fake.url,
    gatewayEnv: {
      RATE_LIMIT_PER_MINUTE: String(LIMIT),
      TOKENFLOW_API_KEYS: [KEYS.cache, ...KEYS.traffic, KEYS.afterRedis, KEYS.ml].join(','),
    },
  })
})
afterAll(async () => {
  await stack?.stop()
  await fake?.close()
})

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms))

const post = (url: string, key: string, body: unknown) =>
  fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(20_000),
  })

const compress = (base: string, key: string, text: string) =>
  post(`${base}/api/compress`, key, { text, ratio: 0.5 })

const compressedText = async (response: Response) =>
  ((await response.json()) as { compressed_text: string }).compressed_text

const cacheHits = (url: string, tier?: 'memory' | 'redis') =>
  metricSum(url, 'tokenflow_cache_requests_total', {
    cache: 'compression',
    result: 'hit',
    ...(tier ? { tier } : {}),
  })

/** Each replica's own /readyz: the status of one dependency. */
const dependencyStatuses = async (name: (dependency: string) => boolean) =>
  Promise.all(
    stack.gateways.map(async (gateway) => {
      const health = (await (await fetch(`${gateway.url}/readyz`)).json()) as {
        dependencies: Array<{ name: string; status: string }>
      }
      return health.dependencies.filter((d) => name(d.name)).map((d) => d.status)
    }),
  )

describe('shared dependencies of the stack', () => {
  it('serves a repeated compression from the cache, on another replica from Redis', async () => {
    const text = `${PARAGRAPH} (cache run ${Date.now()})`
    const first = await compress(stack.url, KEYS.cache, text)
    expect(first.status).toBe(200)
    const answer = await compressedText(first)
    const owner = stack.gateways.find((g) => g.id === first.headers.get('x-tokenflow-replica'))
    if (!owner) throw new Error('the answer named no replica')

    const ownerHits = await cacheHits(owner.url)
    const again = await compress(owner.url, KEYS.cache, text)
    expect(again.status).toBe(200)
    expect(await compressedText(again)).toBe(answer)
    expect(await cacheHits(owner.url)).toBe(ownerHits + 1)

    // Round robin moves on: within three calls through the balancer another replica answers,
    // from the Redis tier (its memory has never seen this text).
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const before = await Promise.all(stack.gateways.map((g) => cacheHits(g.url, 'redis')))
      const response = await compress(stack.url, KEYS.cache, text)
      expect(response.status).toBe(200)
      expect(await compressedText(response)).toBe(answer)
      const by = stack.gateways.findIndex(
        (g) => g.id === response.headers.get('x-tokenflow-replica'),
      )
      const replica = stack.gateways[by]
      if (!replica) throw new Error('the answer named no replica')
      if (replica === owner) continue
      expect(await cacheHits(replica.url, 'redis')).toBe((before[by] ?? 0) + 1)
      return
    }
    throw new Error('three calls through the balancer all reached the same replica')
  })

  it('keeps serving while Redis is killed and restarted, then shares the rate limit again', async () => {
    const statuses: Array<number | string> = []
    let running = true
    const traffic = (async () => {
      const pending: Promise<void>[] = []
      for (let n = 0; running; n += 1) {
        const key = KEYS.traffic[n % KEYS.traffic.length] as string
        const request =
          n % 3 === 0
            ? fetch(`${stack.url}/api/models`, {
                headers: { authorization: `Bearer ${key}` },
                signal: AbortSignal.timeout(20_000),
              })
            : n % 3 === 1
              ? post(`${stack.url}/v1/chat/completions`, key, {
                  model: MODEL,
                  messages: [{ role: 'user', content: `ping ${n}` }],
                })
              : compress(stack.url, key, `${PARAGRAPH} (traffic ${n})`)
        pending.push(
          request.then(
            async (response) => {
              await response.body?.cancel()
              statuses.push(response.status)
            },
            (error: unknown) => {
              statuses.push(String(error))
            },
          ),
        )
        await sleep(100)
      }
      await Promise.all(pending)
    })()

    await sleep(1_000)
    await stack.redis.kill()
    await expect
      .poll(() => dependencyStatuses((name) => name === 'redis'), { timeout: 10_000 })
      .toEqual(stack.gateways.map(() => ['down']))
    await sleep(1_000)
    await stack.redis.restart()
    await expect
      .poll(() => dependencyStatuses((name) => name === 'redis'), { timeout: 15_000 })
      .toEqual(stack.gateways.map(() => ['up']))
    await sleep(1_000)
    running = false
    await traffic

    expect(statuses.length).toBeGreaterThan(30)
    expect(statuses.filter((status) => status !== 200)).toEqual([])
    // The restarted Redis is empty and every replica counts in it again.
    const result = await burst(`${stack.url}/api/models`, KEYS.afterRedis, 300)
    expect(result.other).toEqual([])
    expect(result.ok).toBeGreaterThanOrEqual(LIMIT * 0.95)
    expect(result.ok).toBeLessThanOrEqual(LIMIT * 1.05)
  }, 90_000)

  it('keeps compressing and classifying on the other ML replica after one is killed', async () => {
    await stack.ml[0]?.kill()
    const statuses: number[] = []
    // 40 requests, four at a time, each text new so that none is answered from the cache.
    for (let batch = 0; batch < 10; batch += 1) {
      const answers = await Promise.all(
        Array.from({ length: 4 }, async (_, slot) => {
          const n = batch * 4 + slot
          const response =
            n % 2 === 0
              ? await compress(stack.url, KEYS.ml, `${PARAGRAPH} (after the kill ${n})`)
              : await post(`${stack.url}/api/classify`, KEYS.ml, {
                  prompt: `Write a haiku about replica number ${n} going down`,
                })
          await response.body?.cancel()
          return response.status
        }),
      )
      statuses.push(...answers)
    }
    expect(statuses).toEqual(statuses.map(() => 200))
    // Each replica reports the dead ML replica down and the other up.
    await expect
      .poll(
        async () =>
          (await dependencyStatuses((name) => name.startsWith('ml'))).map((list) => list.sort()),
        { timeout: 10_000 },
      )
      .toEqual(stack.gateways.map(() => ['down', 'up']))
  }, 120_000)
})
