// Failed API keys are limited per client address, on the real gateway over real sockets: past
// AUTH_FAILURE_LIMIT wrong keys in a minute the address gets 429 before its key is checked, and
// X-Forwarded-For names the client only when TRUST_PROXY says a proxy writes it.
import { Hono } from 'hono'
import { afterEach, describe, expect, it } from 'vitest'
import { buildApp } from '../../test/build-app'
import { freePort } from '../../test/free-port'
import { readJson } from '../../test/read-json'
import { serveApp } from '../../test/serve-app'
import type { AppEnv } from '../app-env'
import { parseEnv } from '../env'
import { clientAddress } from './client-address'

const KEY = 'tf-auth-test-key-0123456789'
const servers: Awaited<ReturnType<typeof serveApp>>[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

const gateway = async (env: Record<string, string> = {}) => {
  const { app } = await buildApp({
    ML_SERVICE_URL: `http://127.0.0.1:${await freePort()}`,
    TOKENFLOW_API_KEYS: KEY,
    ...env,
  })
  const server = await serveApp(app)
  servers.push(server)
  return (key: string, headers: Record<string, string> = {}, path = '/api/model-rankings') =>
    fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${key}`, ...headers } })
}

describe('failed-auth limit', () => {
  it('answers 429 with Retry-After after 20 wrong keys, even to the right key', async () => {
    const call = await gateway()
    const statuses: number[] = []
    let last: Response | undefined
    for (let i = 0; i < 200; i++) {
      last = await call(`wrong-key-${i}`)
      statuses.push(last.status)
      await last.body?.cancel()
    }
    expect(statuses.slice(0, 20).every((status) => status === 401)).toBe(true)
    expect(statuses.slice(20).every((status) => status === 429)).toBe(true)
    const retryAfter = Number(last?.headers.get('retry-after'))
    expect(retryAfter).toBeGreaterThanOrEqual(1)
    expect(retryAfter).toBeLessThanOrEqual(60)
    // The key is not even looked at: guessing the right one gains nothing.
    const right = await call(KEY)
    expect(right.status).toBe(429)
    expect((await readJson(right)).error).toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      message: expect.stringContaining('failed API key attempts'),
    })
  })

  it('answers /v1 in the OpenAI format, and 0 turns the limit off', async () => {
    const call = await gateway({ AUTH_FAILURE_LIMIT: '2' })
    expect((await call('nope')).status).toBe(401)
    expect((await call('nope', {}, '/v1/models')).status).toBe(401)
    const limited = await call(KEY, {}, '/v1/models')
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/)
    expect((await readJson(limited)).error).toMatchObject({
      type: 'rate_limit_error',
      code: 'too_many_requests',
    })
    const off = await gateway({ AUTH_FAILURE_LIMIT: '0' })
    for (let i = 0; i < 30; i++) expect((await off('nope')).status).toBe(401)
    expect((await off(KEY)).status).toBe(200)
  })

  it('counts per address behind a trusted proxy; a success resets nobody', async () => {
    const call = await gateway({ AUTH_FAILURE_LIMIT: '3', TRUST_PROXY: '1' })
    const from = (address: string) => ({ 'x-forwarded-for': address })
    for (let i = 0; i < 3; i++) expect((await call('nope', from('203.0.113.7'))).status).toBe(401)
    expect((await call(KEY, from('203.0.113.7'))).status).toBe(429)
    expect((await call(KEY, from('198.51.100.2'))).status).toBe(200)
    expect((await call('nope', from('203.0.113.7'))).status).toBe(429)
    // A client-written entry left of the proxy's is not the client: no escape by prepending one.
    expect((await call(KEY, from('192.0.2.1, 203.0.113.7'))).status).toBe(429)
  })

  it('ignores X-Forwarded-For without TRUST_PROXY: a spoofed header changes nothing', async () => {
    const call = await gateway({ AUTH_FAILURE_LIMIT: '3' })
    for (let i = 0; i < 3; i++) {
      expect((await call('nope', { 'x-forwarded-for': `192.0.2.${i}` })).status).toBe(401)
    }
    expect((await call(KEY, { 'x-forwarded-for': '192.0.2.99' })).status).toBe(429)
  })
})

describe('clientAddress', () => {
  it('is the socket peer, or the entry the trusted proxies name', async () => {
    const app = new Hono<AppEnv>()
    app.get('/:hops', (c) =>
      c.text(clientAddress(c, { trustProxyHops: Number(c.req.param('hops')) })),
    )
    const server = await serveApp(app)
    servers.push(server)
    const address = (hops: number, forwarded?: string) =>
      fetch(`${server.url}/${hops}`, {
        headers: forwarded ? { 'x-forwarded-for': forwarded } : {},
      }).then((response) => response.text())
    expect(await address(0, '192.0.2.1')).toBe('127.0.0.1')
    expect(await address(1)).toBe('127.0.0.1')
    expect(await address(1, '192.0.2.1, 203.0.113.7')).toBe('203.0.113.7')
    expect(await address(2, '192.0.2.1, 203.0.113.7')).toBe('192.0.2.1')
    expect(await address(5, '203.0.113.7')).toBe('203.0.113.7')
    // app.request() has no socket.
    const bare = new Hono<AppEnv>().get('/', (c) => c.text(clientAddress(c, { trustProxyHops: 0 })))
    expect(await (await bare.request('/')).text()).toBe('unknown')
  })

  it('reads TRUST_PROXY as a hop count, true meaning one and off by default', () => {
    expect(parseEnv({}).TRUST_PROXY).toBe(0)
    expect(parseEnv({ TRUST_PROXY: 'false' }).TRUST_PROXY).toBe(0)
    expect(parseEnv({ TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(1)
    expect(parseEnv({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2)
    expect(() => parseEnv({ TRUST_PROXY: 'yes' })).toThrow(/TRUST_PROXY/)
    expect(parseEnv({}).AUTH_FAILURE_LIMIT).toBe(20)
  })
})
