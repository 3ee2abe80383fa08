// Two real ML services behind one gateway (ML_SERVICE_URL lists both): calls are spread over
// them, as each service's own request counter shows; one SIGKILLed, every request still succeeds
// on the other, and /readyz reports that replica down and the gateway degraded, not down.
import { type FakeProvider, startFakeProvider } from '@tokenflow/fake-provider'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from './build-app'
import { type MlServiceHandle, startMlService } from './ml-service'
import { readJson } from './read-json'
import { serveApp } from './serve-app'

// Both replicas want the same token, as replicas of one deployment do.
const TOKEN = 'ml-replicas-internal-token'

let a: MlServiceHandle
let b: MlServiceHandle
let fake: FakeProvider
let built: Awaited<ReturnType<typeof buildApp>>
let gateway: Awaited<ReturnType<typeof serveApp>>

beforeAll(async () => {
  // Classification is what the run exercises; the other models would only take memory.
  const only = { ML_ENABLE_COMPRESSION: 'false', ML_ENABLE_GENERATION: 'false' }
  ;[a, b, fake] = await Promise.all([
    startMlService({ internalToken: TOKEN, env: only }),
    startMlService({ internalToken: TOKEN, env: only }),
    startFakeProvider(),
  ])
  built = await buildApp({
    ML_SERVICE_URL: `${a.url},${b.url}`,
    ML_INTERNAL_TOKEN: TOKEN,
    ML_BREAKER_THRESHOLD: '3',
    ML_PROBE_INTERVAL_MS: '500',
    // A provider that is up, so the gateway is `ok` with both replicas and degraded without one.
    GROQ_API_KEY: 'gsk-fake-key',
    GROQ_BASE_URL: fake.url,
    // Every request must reach an ML service, not the result cache.
    CACHE_TTL_S: '0',
  })
  built.mlProbe.start()
  gateway = await serveApp(built.app)
})

afterAll(async () => {
  built?.mlProbe.stop()
  await gateway?.close()
  await Promise.all([a?.stop(), b?.stop(), fake?.close()])
})

let sent = 0
const classify = async () => {
  sent += 1
  const response = await fetch(`${gateway.url}/api/classify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ prompt: `Rewrite email number ${sent} so it sounds friendlier.` }),
  })
  return { status: response.status, body: await readJson(response) }
}

/** The classifications an ML service answered, from its own Prometheus counter. */
const classified = async (ml: MlServiceHandle) => {
  const response = await fetch(`${ml.url}/metrics`, { headers: { 'x-internal-token': TOKEN } })
  const line = (await response.text())
    .split('\n')
    .find(
      (row) =>
        row.startsWith('tokenflow_ml_requests_total{') &&
        row.includes('endpoint="/classify"') &&
        row.includes('status="200"'),
    )
  return line ? Number(line.split(' ').at(-1)) : 0
}

type Dependency = { name: string; kind: string; status: string; detail: string }

const readiness = async () => {
  const response = await fetch(`${gateway.url}/readyz`)
  const body = await readJson(response)
  const ml = (body.dependencies as Dependency[]).filter((d) => d.kind === 'ml')
  return { http: response.status, status: body.status as string, ml }
}

describe('two ML service replicas behind one gateway', () => {
  it('spreads calls over both, and loses none when one is killed', async () => {
    expect(await readiness()).toMatchObject({
      http: 200,
      status: 'ok',
      ml: [
        { name: 'ml-service-1', status: 'up' },
        { name: 'ml-service-2', status: 'up' },
      ],
    })

    const before = await Promise.all([classified(a), classified(b)])
    for (let i = 0; i < 10; i++) expect((await classify()).status).toBe(200)
    const after = await Promise.all([classified(a), classified(b)])
    const served = after.map((count, index) => count - (before[index] ?? 0))
    expect(served.reduce((sum, count) => sum + count, 0)).toBe(10)
    expect(Math.min(...served)).toBeGreaterThanOrEqual(3)

    // Killed with no warning: the first calls sent to it fail and go to the other replica.
    await b.kill()
    const run = []
    for (let i = 0; i < 30; i++) run.push(await classify())
    expect(run.filter((r) => r.status !== 200).map((r) => r.body)).toEqual([])
    expect(run.every((r) => typeof r.body.top_category === 'string')).toBe(true)

    const deadline = Date.now() + 3_000
    let seen = await readiness()
    while (seen.ml[1]?.status !== 'down' && Date.now() < deadline) {
      await new Promise((done) => setTimeout(done, 100))
      seen = await readiness()
    }
    expect(seen).toMatchObject({
      http: 200,
      status: 'degraded',
      ml: [
        { name: 'ml-service-1', status: 'up' },
        { name: 'ml-service-2', status: 'down' },
      ],
    })
    expect(seen.ml[1]?.detail).toContain(b.url)
    expect(built.ml.replicas()).toMatchObject([
      { url: a.url, breaker: 'closed', ready: true },
      { url: b.url, ready: false },
    ])
  })
})
