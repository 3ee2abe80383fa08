// Two stream hubs standing in for two gateway replicas, sharing one real redis-server: a stream
// produced on one is resumed on the other with exactly the events after lastEventId, live; a
// producer whose Redis goes away leaves the other replica's reader an explicit STREAM_INTERRUPTED
// after the last stored event, never a gap; a cancel sent to the other replica aborts the
// producer; and a reader on the other replica keeps the stream alive past the resume window.
import type { StreamEvent, TrackedEvent } from '@tokenflow/api'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { createLogger } from '../src/observability/logger'
import { createSharedState, type SharedState } from '../src/state/shared-state'
import { createSharedStreamLog } from '../src/streams/shared-stream-log'
import { createStreamHub, type StreamControl } from '../src/streams/stream-hub'
import { type RedisServerHandle, startRedisServer } from './redis-server'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

let redis: RedisServerHandle

beforeAll(async () => {
  redis = await startRedisServer()
})

afterAll(async () => {
  await redis?.stop()
})

const end: StreamEvent = {
  type: 'end',
  finishReason: 'stop',
  usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 },
  timeToFirstTokenMs: 1,
  totalMs: 1,
  costUsd: 0,
  savedTokens: 0,
  savedUsd: 0,
}

/** `count` text events `everyMs` apart, then end; on abort an ABORTED error (abort time kept). */
const ticker =
  (count: number, everyMs: number, aborted: { at?: number } = {}) =>
  async ({ emit, room, signal }: StreamControl) => {
    for (let i = 0; i < count && !signal.aborted; i += 1) {
      if (!emit({ type: 'text', delta: `${i},` })) await room()
      await sleep(everyMs)
    }
    if (signal.aborted) {
      aborted.at = performance.now()
      emit({ type: 'error', code: 'ABORTED', message: String(signal.reason), retryable: false })
      return
    }
    emit(end)
  }

/** A replica's hub on its own connections to the shared Redis. */
const replica = (options: { resumeWindowMs?: number } = {}) => {
  const state: SharedState = createSharedState({
    url: redis.url,
    logger: createLogger({ level: 'silent' }),
  })
  onTestFinished(() => state.close())
  const hub = createStreamHub({
    resumeWindowMs: options.resumeWindowMs ?? 10_000,
    log: createSharedStreamLog({ state, kind: 'generation', maxEntries: 1_000, ttlMs: 30_000 }),
  })
  return { state, hub }
}

const ready = async (state: SharedState) => {
  await expect.poll(() => state.ready(), { timeout: 5_000, interval: 20 }).toBe(true)
}

const collect = async (stream: AsyncIterable<TrackedEvent>, limit = Number.POSITIVE_INFINITY) => {
  const seen: TrackedEvent[] = []
  for await (const item of stream) {
    seen.push(item)
    if (seen.length >= limit) break
  }
  return seen
}

const seqOf = (item: TrackedEvent) => Number(item.id.slice(item.id.lastIndexOf(':') + 1))
const deltas = (items: TrackedEvent[]) =>
  items.map(({ event }) => (event.type === 'text' ? event.delta : `<${event.type}>`)).join('')
const counting = (count: number) => Array.from({ length: count }, (_, i) => `${i},`).join('')

describe('streams shared through Redis', () => {
  it('resume on another replica continues live with exactly the events after lastEventId', async () => {
    const a = replica()
    const b = replica()
    await Promise.all([ready(a.state), ready(b.state)])
    const id = a.hub.start(ticker(60, 10), { resumable: true })
    const client = new AbortController()
    const first = await collect(a.hub.follow(id, client.signal), 15)
    client.abort()
    const last = first.at(-1) as TrackedEvent
    const rest = await collect(b.hub.resume(last.id, undefined))
    const all = [...first, ...rest]
    expect(all.map(seqOf)).toEqual(all.map((_, i) => i))
    expect(deltas(all)).toBe(`${counting(60)}<end>`)
  })

  it('a finished stream is replayed from Redis on another replica', async () => {
    const a = replica()
    const b = replica()
    await Promise.all([ready(a.state), ready(b.state)])
    const id = a.hub.start(ticker(20, 0), { resumable: true })
    const whole = await collect(a.hub.follow(id, undefined))
    const rest = await collect(b.hub.resume(`${id}:4`, undefined))
    expect(rest).toEqual(whole.slice(5))
  })

  it('a producer that loses Redis leaves the other reader an explicit interruption, not a gap', async () => {
    const a = replica()
    const b = replica()
    await Promise.all([ready(a.state), ready(b.state)])
    const id = a.hub.start(ticker(400, 5), { resumable: true })
    const first = await collect(a.hub.follow(id, undefined), 10)
    // The producer's connection to Redis goes (as when its replica dies): its marks expire.
    await a.state.close()
    const started = performance.now()
    const rest = await collect(b.hub.resume((first.at(-1) as TrackedEvent).id, undefined))
    const error = rest.at(-1)?.event
    expect(error).toMatchObject({ type: 'error', code: 'STREAM_INTERRUPTED', retryable: true })
    const texts = rest.slice(0, -1)
    expect(texts.map(seqOf)).toEqual(texts.map((_, i) => 10 + i))
    expect(deltas([...first, ...texts])).toBe(counting(10 + texts.length))
    // Within the live mark's lifetime (3 s) plus a poll.
    expect(performance.now() - started).toBeLessThan(6_000)
  })

  it('a cancel sent to another replica aborts the producer within 200 ms', async () => {
    const a = replica()
    const b = replica()
    await Promise.all([ready(a.state), ready(b.state)])
    // The cancel channel is subscribed once each subscriber connection is up.
    await sleep(200)
    const aborted: { at?: number } = {}
    const id = a.hub.start(ticker(10_000, 5, aborted), { resumable: true })
    await collect(a.hub.follow(id, undefined), 3)
    const sent = performance.now()
    expect(await b.hub.cancel(id)).toBe(true)
    await expect.poll(() => aborted.at, { timeout: 1_000, interval: 5 }).toBeDefined()
    expect((aborted.at as number) - sent).toBeLessThan(200)
    expect(await b.hub.cancel('no-such-stream')).toBe(false)
  })

  it('a reader on another replica keeps the stream generating past the resume window', async () => {
    const a = replica({ resumeWindowMs: 300 })
    const b = replica()
    await Promise.all([ready(a.state), ready(b.state)])
    const id = a.hub.start(ticker(150, 10), { resumable: true })
    const client = new AbortController()
    const first = await collect(a.hub.follow(id, client.signal), 5)
    client.abort()
    const rest = await collect(b.hub.resume((first.at(-1) as TrackedEvent).id, undefined))
    expect(deltas([...first, ...rest])).toBe(`${counting(150)}<end>`)
  })

  it('an unknown stream is RESUME_EXPIRED on every replica', async () => {
    const b = replica()
    await ready(b.state)
    const [only] = await collect(b.hub.resume('00000000-0000-0000-0000-000000000000:3', undefined))
    expect(only?.event).toMatchObject({ type: 'error', code: 'RESUME_EXPIRED' })
  })

  it('with Redis down a stream is served from the process alone', async () => {
    const a = replica()
    await ready(a.state)
    await redis.kill()
    onTestFinished(() => redis.restart())
    await expect.poll(() => a.state.ready(), { timeout: 5_000, interval: 20 }).toBe(false)
    const id = a.hub.start(ticker(20, 0), { resumable: true })
    expect(deltas(await collect(a.hub.follow(id, undefined)))).toBe(`${counting(20)}<end>`)
  })
})
