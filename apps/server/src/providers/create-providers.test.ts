// Provider status is cached and refreshed in the background: after the first probe, no request
// waits for a probe, however slow the provider's model list answers.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createProviders } from './create-providers'
import { resolveProviders } from './resolve-providers'
import { shippedProviders } from './shipped-providers'

const PROBE_MS = 300
let server: Server
let url = ''
let probes = 0

beforeAll(async () => {
  // A provider whose GET /models is slow; that endpoint is all a status probe calls.
  server = createServer((req, res) => {
    if (!req.url?.endsWith('/models')) {
      res.writeHead(404).end()
      return
    }
    probes += 1
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ object: 'list', data: [] }))
    }, PROBE_MS)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/openai/v1`
})
afterAll(() => new Promise((resolve) => server.close(resolve)))

// Groq keyed and pointed at the slow probe server, OpenRouter without a key, local off.
const table = () =>
  resolveProviders(
    shippedProviders({
      GROQ_BASE_URL: url,
      OPENROUTER_BASE_URL: url,
      LOCAL_MODEL_ENABLED: false,
      ML_SERVICE_URL: url,
    }),
    (name) => (name === 'GROQ_API_KEY' ? 'gsk-test' : undefined),
  )

const timed = async <T>(work: () => Promise<T>) => {
  const started = performance.now()
  const value = await work()
  return { value, ms: performance.now() - started }
}

describe('provider status', () => {
  it('serves the last answer while a refresh probe runs, and probes once per refresh', async () => {
    const providers = createProviders({
      providers: table(),
      timeoutMs: 5_000,
      statusTtlMs: 50,
    })
    const first = await timed(() => providers.status())
    expect(first.ms).toBeGreaterThanOrEqual(PROBE_MS - 20)
    expect(first.value.groq).toMatchObject({ configured: true, reachable: true })
    expect(first.value.openrouter).toMatchObject({ configured: false, reachable: false })

    await new Promise((resolve) => setTimeout(resolve, 80)) // the answer is now stale
    const probesBefore = probes
    const during = await Promise.all(
      Array.from({ length: 5 }, async (_, i) => {
        await new Promise((resolve) => setTimeout(resolve, i * 20))
        return timed(() => providers.status())
      }),
    )
    for (const call of during) {
      expect(call.ms).toBeLessThan(50)
      expect(call.value.groq?.reachable).toBe(true)
    }
    await expect.poll(() => probes, { timeout: 1_000 }).toBe(probesBefore + 1)
  })

  it('waits for a fresh probe after invalidate()', async () => {
    const providers = createProviders({
      providers: table(),
      timeoutMs: 5_000,
    })
    await providers.status()
    const probesBefore = probes
    providers.invalidate()
    const after = await timed(() => providers.status())
    expect(after.ms).toBeGreaterThanOrEqual(PROBE_MS - 20)
    expect(probes).toBe(probesBefore + 1)
  })
})
