import { afterEach, describe, expect, it } from 'vitest'
import { createMlProbe, type MlProbe } from './ml-probe'

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms))

const first = 'http://ml-1.test'

// An ML client whose replicas' /ready answer what `down` says, counting the probes.
const fakeMl = (urls = [first]) => {
  const state = { down: new Set<string>(), calls: 0, timeouts: [] as number[] }
  const ml = {
    urls,
    probe: async (_path: string, timeoutMs = -1, url = first) => {
      state.calls += 1
      state.timeouts.push(timeoutMs)
      return state.down.has(url)
        ? { url, ok: false, status: 0, body: 'unreachable', latencyMs: 1 }
        : { url, ok: true, status: 200, body: '{"ready":true}', latencyMs: 1 }
    },
  }
  return { state, ml }
}

let probe: MlProbe | undefined
afterEach(() => probe?.stop())

describe('createMlProbe', () => {
  it('probes on a timer with its timeout and answers from the latest probe', async () => {
    const { state, ml } = fakeMl()
    probe = createMlProbe({ ml, intervalMs: 50, timeoutMs: 20 })
    probe.start()
    expect(probe.running).toBe(true)
    expect(await probe.check()).toMatchObject([{ url: first, ok: true }])
    const calls = state.calls
    await probe.check()
    expect(state.calls).toBe(calls)
    state.down.add(first)
    await sleep(120)
    expect(await probe.check()).toMatchObject([{ ok: false, body: 'unreachable' }])
    expect(state.calls).toBeGreaterThanOrEqual(3)
    expect(new Set(state.timeouts)).toEqual(new Set([20]))
  })

  it('probes every replica each time and answers for each, in order', async () => {
    const second = 'http://ml-2.test'
    const { state, ml } = fakeMl([first, second])
    state.down.add(second)
    probe = createMlProbe({ ml, intervalMs: 60_000, timeoutMs: 10 })
    expect(await probe.check()).toMatchObject([
      { url: first, ok: true },
      { url: second, ok: false, body: 'unreachable' },
    ])
    expect(state.calls).toBe(2)
  })

  it('stops probing on stop(), and probes on demand while stopped', async () => {
    const { state, ml } = fakeMl()
    probe = createMlProbe({ ml, intervalMs: 20, timeoutMs: 10 })
    probe.start()
    probe.stop()
    probe.start()
    probe.stop()
    await sleep(100)
    const calls = state.calls
    expect(calls).toBeLessThanOrEqual(2)
    await sleep(100)
    expect(state.calls).toBe(calls)
    expect(probe.running).toBe(false)
    await probe.check()
    expect(state.calls).toBe(calls + 1)
  })

  it('never keeps the process alive: its timer is unref-d', async () => {
    const { ml } = fakeMl()
    probe = createMlProbe({ ml, intervalMs: 60_000, timeoutMs: 10 })
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length
    probe.start()
    await probe.check()
    await sleep(10)
    const after = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length
    expect(after).toBe(before)
  })
})
