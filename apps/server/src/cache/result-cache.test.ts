// The in-process tier: hits and misses, expiry, eviction, coalesced misses, failures not stored,
// and callers that abort.
import { describe, expect, it } from 'vitest'
import { createLogger } from '../observability/logger'
import { createMetrics } from '../observability/metrics'
import { createSharedState } from '../state/shared-state'
import { type CacheRequest, createResultCache } from './result-cache'

const setup = (options: { ttlS?: number; maxEntries?: number } = {}) => {
  const metrics = createMetrics({ defaultMetrics: false })
  const state = createSharedState({ url: undefined, logger: createLogger({ level: 'silent' }) })
  const cache = createResultCache({ ttlS: 60, maxEntries: 100, ...options, state, metrics })
  const count = async (labels: Record<string, string>) => {
    const { values } = await metrics.cacheRequests.get()
    return values
      .filter((v) =>
        Object.entries(labels).every(
          ([name, value]) => (v.labels as Record<string, unknown>)[name] === value,
        ),
      )
      .reduce((sum, v) => sum + v.value, 0)
  }
  return { cache, count }
}

const compress = (text: string, ratio = 0.5): CacheRequest => ({
  cache: 'compression',
  operation: 'compress',
  request: { text, ratio },
})

/** A stand-in for the ML call: counts its calls and answers with what it was asked. */
const counting = () => {
  let calls = 0
  const load = async () => {
    calls += 1
    return { answer: calls }
  }
  return { load, calls: () => calls }
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms))

describe('result cache in process', () => {
  it('calls once, then answers from memory', async () => {
    const { cache, count } = setup()
    const ml = counting()
    expect(await cache.get(compress('a'), ml.load)).toEqual({
      value: { answer: 1 },
      source: 'call',
    })
    expect(await cache.get(compress('a'), ml.load)).toEqual({
      value: { answer: 1 },
      source: 'memory',
    })
    expect(ml.calls()).toBe(1)
    expect(await count({ cache: 'compression', tier: 'memory', result: 'miss' })).toBe(1)
    expect(await count({ cache: 'compression', tier: 'memory', result: 'hit' })).toBe(1)
    // No Redis: that tier is never consulted.
    expect(await count({ tier: 'redis' })).toBe(0)
  })

  it('misses for another text, option or operation', async () => {
    const { cache } = setup()
    const ml = counting()
    await cache.get(compress('a'), ml.load)
    await cache.get(compress('b'), ml.load)
    await cache.get(compress('a', 0.3), ml.load)
    await cache.get({ ...compress('a'), operation: 'compress-messages' }, ml.load)
    expect(ml.calls()).toBe(4)
  })

  it('gives every caller a copy of its own', async () => {
    const { cache } = setup()
    const ml = counting()
    const first = await cache.get<{ answer: number }>(compress('a'), ml.load)
    first.value.answer = 99
    expect((await cache.get(compress('a'), ml.load)).value).toEqual({ answer: 1 })
  })

  it('calls again once the TTL has passed', async () => {
    const { cache } = setup({ ttlS: 1 })
    const ml = counting()
    await cache.get(compress('a'), ml.load)
    await sleep(1_100)
    expect(await cache.get(compress('a'), ml.load)).toEqual({
      value: { answer: 2 },
      source: 'call',
    })
  })

  it('evicts the least recently used beyond CACHE_MAX_ENTRIES', async () => {
    const { cache } = setup({ maxEntries: 2 })
    const ml = counting()
    await cache.get(compress('a'), ml.load)
    await cache.get(compress('b'), ml.load)
    await cache.get(compress('a'), ml.load)
    await cache.get(compress('c'), ml.load)
    expect((await cache.get(compress('a'), ml.load)).source).toBe('memory')
    expect((await cache.get(compress('b'), ml.load)).source).toBe('call')
  })

  it('makes one call for identical concurrent misses', async () => {
    const { cache } = setup()
    let calls = 0
    let release = () => {}
    const load = async () => {
      calls += 1
      await new Promise<void>((done) => {
        release = done
      })
      return { answer: 'shared' }
    }
    const waiting = Array.from({ length: 5 }, () => cache.get(compress('a'), load))
    await sleep(10)
    release()
    const answers = await Promise.all(waiting)
    expect(calls).toBe(1)
    expect(answers.map((a) => a.value)).toEqual(Array(5).fill({ answer: 'shared' }))
  })

  it('does not store failures: the next request calls again', async () => {
    const { cache } = setup()
    let calls = 0
    const load = async () => {
      calls += 1
      if (calls === 1) throw new Error('ML service unavailable')
      return { answer: calls }
    }
    const first = Promise.all([cache.get(compress('a'), load), cache.get(compress('a'), load)])
    await expect(first).rejects.toThrow('ML service unavailable')
    expect(await cache.get(compress('a'), load)).toEqual({ value: { answer: 2 }, source: 'call' })
    expect(calls).toBe(2)
  })

  it('keeps a shared call going for the callers that stay, and aborts it when all leave', async () => {
    const { cache } = setup()
    const signals: AbortSignal[] = []
    const releases: Array<() => void> = []
    const load = async (signal: AbortSignal) => {
      signals.push(signal)
      await new Promise<void>((done) => releases.push(done))
      return { answer: signals.length }
    }
    const leaving = new AbortController()
    const left = cache.get(compress('a'), load, leaving.signal)
    const stays = cache.get(compress('a'), load, new AbortController().signal)
    await sleep(10)
    leaving.abort(new Error('client went away'))
    await expect(left).rejects.toThrow('client went away')
    expect(signals[0]?.aborted).toBe(false)
    releases[0]?.()
    expect((await stays).value).toEqual({ answer: 1 })

    const alone = new AbortController()
    const abandoned = cache.get(compress('b'), load, alone.signal)
    await sleep(10)
    alone.abort(new Error('cancelled'))
    await expect(abandoned).rejects.toThrow('cancelled')
    expect(signals[1]?.aborted).toBe(true)
    // A caller arriving after everyone left starts a call of its own.
    const next = cache.get(compress('b'), load)
    await sleep(10)
    releases[2]?.()
    expect(await next).toEqual({ value: { answer: 3 }, source: 'call' })
  })
})
