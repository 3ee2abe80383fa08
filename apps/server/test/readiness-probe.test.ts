// /readyz from the active probe, with the real Python ML service (generation only, so the local
// model is what it serves): SIGKILLed, /readyz and system.health turn not ready within 3 s with
// the local provider down at the same answer; restarted, ready again within a few seconds.
// The probe runs at its default interval, as src/index.ts starts it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from './build-app'
import { type MlServiceHandle, startMlService } from './ml-service'
import { readJson } from './read-json'
import { serveApp } from './serve-app'

// The probe authenticates like every ML call: without the token /ready answers 401.
const TOKEN = 'readiness-probe-internal-token'

let ml: MlServiceHandle
let built: Awaited<ReturnType<typeof buildApp>>
let gateway: Awaited<ReturnType<typeof serveApp>>

beforeAll(async () => {
  ml = await startMlService({
    internalToken: TOKEN,
    env: { ML_ENABLE_COMPRESSION: 'false', ML_ENABLE_CLASSIFICATION: 'false' },
  })
  built = await buildApp({
    ML_SERVICE_URL: ml.url,
    ML_INTERNAL_TOKEN: TOKEN,
    LOCAL_MODEL_ENABLED: 'true',
  })
  built.mlProbe.start()
  gateway = await serveApp(built.app)
})

afterAll(async () => {
  built?.mlProbe.stop()
  await gateway?.close()
  await ml?.stop()
})

type Dependency = { name: string; status: string; detail: string }

const readiness = async () => {
  const response = await fetch(`${gateway.url}/readyz`)
  const body = await readJson(response)
  const state = (name: string) =>
    (body.dependencies as Dependency[]).find((d) => d.name === name)?.status
  return { status: response.status, ml: state('ml-service'), local: state('local'), body }
}

/** Polls /readyz every 100 ms until `done`; returns the answer and how long it took. */
const waitFor = async (done: (r: Awaited<ReturnType<typeof readiness>>) => boolean, ms: number) => {
  const started = performance.now()
  while (performance.now() - started < ms) {
    const answer = await readiness()
    if (done(answer)) return { ...answer, afterMs: performance.now() - started }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return { ...(await readiness()), afterMs: Number.POSITIVE_INFINITY }
}

const systemHealth = async () => {
  const response = await fetch(`${gateway.url}/trpc/system.health`)
  return (await readJson(response)).result.data as { status: string }
}

describe('readiness from the active ML probe', () => {
  it('turns not ready within 3 s of the ML service dying, and ready again after it returns', async () => {
    const up = await waitFor((r) => r.status === 200 && r.local === 'up', 5_000)
    expect(up).toMatchObject({ status: 200, ml: 'up', local: 'up' })
    expect((await systemHealth()).status).not.toBe('down')

    await ml.kill()
    const down = await waitFor((r) => r.status === 503, 3_000)
    expect(down.afterMs).toBeLessThan(3_000)
    // The local model is reported from the same probe: down in the very same answer.
    expect(down).toMatchObject({ status: 503, ml: 'down', local: 'down' })
    expect(down.body.status).toBe('down')
    expect((await systemHealth()).status).toBe('down')

    await ml.restart()
    const back = await waitFor((r) => r.status === 200 && r.local === 'up', 5_000)
    expect(back.afterMs).toBeLessThan(3_000)
    expect(back).toMatchObject({ status: 200, ml: 'up', local: 'up' })
    expect((await systemHealth()).status).not.toBe('down')
  })
})
