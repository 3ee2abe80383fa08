// The per-minute limits in memory (no Redis), on the real gateway over real sockets: requests per
// caller with the RateLimit-* headers, request tokens estimated from the body size, and a window
// that admits the caller again once its minute is over. test/rate-limit-redis.test.ts runs the
// same limits shared through Redis.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { buildApp } from '../../test/build-app'
import { freePort } from '../../test/free-port'
import { readJson } from '../../test/read-json'
import { serveApp } from '../../test/serve-app'
import type { AppConfig } from '../app'

const servers: Awaited<ReturnType<typeof serveApp>>[] = []
afterEach(async () => {
  vi.useRealTimers()
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

const gateway = async (env: Record<string, string>, config: Partial<AppConfig> = {}) => {
  const { app } = await buildApp(
    { ML_SERVICE_URL: `http://127.0.0.1:${await freePort()}`, ...env },
    config,
  )
  const server = await serveApp(app)
  servers.push(server)
  return server.url
}

/** A JSON body of exactly `bytes` bytes (at least 10), which /api/compress refuses with 400. */
const padded = (bytes: number) => JSON.stringify({ pad: 'x'.repeat(bytes - 10) })

const post = (url: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${url}/api/compress`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  })

describe('requests per minute', () => {
  it('counts down RateLimit-Remaining, then answers 429 naming the limit and when to retry', async () => {
    const url = await gateway({}, { rateLimitPerMinute: 3 })
    const responses: Response[] = []
    for (let i = 0; i < 4; i++) responses.push(await fetch(`${url}/api/model-rankings`))
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 429])
    expect(responses.map((response) => response.headers.get('ratelimit-remaining'))).toEqual([
      '2',
      '1',
      '0',
      '0',
    ])
    const refused = responses[3] as Response
    expect(refused.headers.get('ratelimit-limit')).toBe('3')
    const reset = Number(refused.headers.get('ratelimit-reset'))
    const retryAfter = Number(refused.headers.get('retry-after'))
    expect(retryAfter).toBeGreaterThanOrEqual(1)
    expect(retryAfter).toBeLessThanOrEqual(60)
    expect(reset).toBe(retryAfter)
    expect((await readJson(refused)).error).toEqual({
      code: 'TOO_MANY_REQUESTS',
      message: `rate limit of 3 requests per minute exceeded; retry after ${retryAfter} s`,
    })
    expect(responses[0]?.headers.get('retry-after')).toBeNull()
  })

  it('counts per API key when auth is on, and answers /v1 in the OpenAI format', async () => {
    const url = await gateway(
      { TOKENFLOW_API_KEYS: 'tf-key-one-0123,tf-key-two-0123' },
      {
        rateLimitPerMinute: 2,
      },
    )
    const models = (key: string) =>
      fetch(`${url}/v1/models`, { headers: { authorization: `Bearer ${key}` } })
    expect((await models('tf-key-one-0123')).status).toBe(200)
    expect((await models('tf-key-one-0123')).status).toBe(200)
    const refused = await models('tf-key-one-0123')
    expect(refused.status).toBe(429)
    expect((await readJson(refused)).error).toMatchObject({
      type: 'rate_limit_error',
      code: 'too_many_requests',
      message: expect.stringContaining('2 requests per minute'),
    })
    expect((await models('tf-key-two-0123')).status).toBe(200)
  })

  it('admits the caller again once its minute is over', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const { app } = await buildApp(
      { ML_SERVICE_URL: `http://127.0.0.1:${await freePort()}` },
      { rateLimitPerMinute: 1 },
    )
    expect((await app.request('/api/model-rankings')).status).toBe(200)
    expect((await app.request('/api/model-rankings')).status).toBe(429)
    vi.setSystemTime(Date.now() + 61_000)
    expect((await app.request('/api/model-rankings')).status).toBe(200)
  })
})

describe('request tokens per minute', () => {
  it('counts 4 bytes a token from Content-Length and refuses past RATE_LIMIT_TOKENS_PER_MINUTE', async () => {
    const url = await gateway({ RATE_LIMIT_TOKENS_PER_MINUTE: '100' })
    // 150 bytes: 38 tokens (rounded up), twice is 76; another 100 bytes (25 tokens) is 101.
    expect((await post(url, padded(150))).status).toBe(400)
    expect((await post(url, padded(150))).status).toBe(400)
    const refused = await post(url, padded(100))
    expect(refused.status).toBe(429)
    const retryAfter = Number(refused.headers.get('retry-after'))
    expect(retryAfter).toBeGreaterThanOrEqual(1)
    expect(retryAfter).toBeLessThanOrEqual(60)
    expect((await readJson(refused)).error).toEqual({
      code: 'TOO_MANY_REQUESTS',
      message: `rate limit of 100 tokens per minute exceeded; retry after ${retryAfter} s`,
    })
    // A request without a body costs no tokens.
    expect((await fetch(`${url}/api/model-rankings`)).status).toBe(200)
  })

  it('refuses a body no minute could admit without Retry-After, and 0 turns the limit off', async () => {
    const url = await gateway({ RATE_LIMIT_TOKENS_PER_MINUTE: '100' })
    const tooLarge = await post(url, padded(401))
    expect(tooLarge.status).toBe(429)
    expect(tooLarge.headers.get('retry-after')).toBeNull()
    expect((await readJson(tooLarge)).error.message).toBe(
      'request of about 101 tokens is over the limit of 100 tokens per minute by itself; send a smaller one',
    )
    // Exactly the limit passes, and the refusal above spent nothing.
    expect((await post(url, padded(400))).status).toBe(400)
    const off = await gateway({ RATE_LIMIT_TOKENS_PER_MINUTE: '0' })
    for (let i = 0; i < 3; i++) expect((await post(off, padded(100_000))).status).toBe(400)
  })

  it('counts both limits for one caller, the RateLimit headers describing requests', async () => {
    const url = await gateway({ RATE_LIMIT_TOKENS_PER_MINUTE: '50' }, { rateLimitPerMinute: 5 })
    const first = await post(url, padded(200))
    expect(first.status).toBe(400)
    expect(first.headers.get('ratelimit-remaining')).toBe('4')
    const refused = await post(url, padded(40))
    expect(refused.status).toBe(429)
    expect((await readJson(refused)).error.message).toMatch(/50 tokens per minute/)
    expect(refused.headers.get('ratelimit-remaining')).toBe('3')
  })
})
