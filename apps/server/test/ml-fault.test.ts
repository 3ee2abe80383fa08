// Fault injection with real processes: the ML service is SIGKILLed while requests keep coming.
// The gateway must not crash, must answer SERVICE_UNAVAILABLE naming the ML service, open its
// breaker, never let a request hang past its timeout, and recover within 5 s of the restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from './build-app'
import { type MlServiceHandle, startMlService } from './ml-service'
import { serveApp } from './serve-app'

const ML_TIMEOUT_MS = 5_000

let ml: MlServiceHandle
let gateway: Awaited<ReturnType<typeof serveApp>>
let built: Awaited<ReturnType<typeof buildApp>>

beforeAll(async () => {
  // Classification is what the fault run exercises; the other models would only slow each restart.
  ml = await startMlService({
    env: { ML_ENABLE_COMPRESSION: 'false', ML_ENABLE_GENERATION: 'false' },
  })
  built = await buildApp({
    ML_SERVICE_URL: ml.url,
    ML_INTERNAL_TOKEN: ml.token,
    ML_TIMEOUT_MS: String(ML_TIMEOUT_MS),
    ML_BREAKER_THRESHOLD: '3',
    ML_BREAKER_HALF_OPEN_MS: '1000',
    // Every request must reach the ML service: its repeated prompt would otherwise be a cache hit.
    CACHE_TTL_S: '0',
  })
  gateway = await serveApp(built.app)
})

afterAll(async () => {
  await gateway?.close()
  await ml?.stop()
})

type Sample = { at: number; status: number; ms: number; code?: string; message?: string }

const classifyOnce = async (): Promise<Sample> => {
  const started = performance.now()
  const response = await fetch(`${gateway.url}/api/classify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ prompt: 'Rewrite this email so it sounds friendlier.' }),
  })
  const body = (await response.json()) as { error?: { code: string; message: string } }
  return {
    at: Date.now(),
    status: response.status,
    ms: performance.now() - started,
    code: body.error?.code,
    message: body.error?.message,
  }
}

describe('ML service killed during a stream of requests', () => {
  it('fails fast and clearly while it is down, and recovers within 5 s of coming back', async () => {
    const samples: Sample[] = []
    let running = true
    const workers = Array.from({ length: 3 }, async () => {
      while (running) {
        samples.push(await classifyOnce())
        await new Promise((done) => setTimeout(done, 25))
      }
    })

    await new Promise((done) => setTimeout(done, 1_500))
    const killedAt = Date.now()
    await ml.kill()
    await new Promise((done) => setTimeout(done, 3_000))
    const breakerWhileDown = built.ml.breakerState()
    const readinessWhileDown = await fetch(`${gateway.url}/readyz`)
    await ml.restart()
    const readyAt = Date.now()
    // Keep sending until a success after the restart, at most 5 s.
    while (
      Date.now() - readyAt < 5_000 &&
      !samples.some((s) => s.at > readyAt && s.status === 200)
    ) {
      await new Promise((done) => setTimeout(done, 50))
    }
    await new Promise((done) => setTimeout(done, 1_000))
    running = false
    await Promise.all(workers)

    const before = samples.filter((s) => s.at < killedAt)
    const down = samples.filter((s) => s.at > killedAt + 200 && s.at < readyAt)
    const firstOkAfter = samples.find((s) => s.at > readyAt && s.status === 200)
    const tail = samples.filter((s) => firstOkAfter && s.at > firstOkAfter.at)

    expect(before.length).toBeGreaterThan(0)
    expect(before.every((s) => s.status === 200)).toBe(true)
    expect(down.length).toBeGreaterThan(0)
    expect(down.every((s) => s.status === 503 && s.code === 'SERVICE_UNAVAILABLE')).toBe(true)
    expect(down.every((s) => /ML service/.test(s.message ?? ''))).toBe(true)
    expect(down.some((s) => /circuit breaker open/.test(s.message ?? ''))).toBe(true)
    expect(breakerWhileDown).not.toBe('closed')
    expect(readinessWhileDown.status).toBe(503)
    // Fails fast: with the breaker open nothing waits for a timeout.
    expect(Math.max(...samples.map((s) => s.ms))).toBeLessThan(ML_TIMEOUT_MS + 1_000)
    expect(firstOkAfter).toBeDefined()
    expect((firstOkAfter?.at ?? Number.POSITIVE_INFINITY) - readyAt).toBeLessThan(5_000)
    expect(tail.every((s) => s.status === 200)).toBe(true)
    expect(built.ml.breakerState()).toBe('closed')
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200)
  })
})
