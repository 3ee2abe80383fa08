// The hub's contract between the two stream requirements: a subscriber that goes away aborts the
// upstream within 100 ms, and a client that comes back with lastEventId gets exactly the events
// after it, live while the stream runs and from the buffer once it has ended.
import type { StreamEvent, TrackedEvent } from '@tokenflow/api'
import { describe, expect, it } from 'vitest'
import { createStreamHub } from './stream-hub'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Emits `text` events every `everyMs` until aborted, then an ABORTED error, as runCompletion does. */
const ticker =
  (everyMs: number, onAbort: (at: number) => void) =>
  async (emit: (event: StreamEvent) => void, signal: AbortSignal) => {
    for (let i = 0; !signal.aborted && i < 1_000; i += 1) {
      emit({ type: 'text', delta: `${i},` })
      await sleep(everyMs)
    }
    onAbort(performance.now())
    emit({ type: 'error', code: 'ABORTED', message: 'the client went away', retryable: false })
  }

const take = async (stream: AsyncGenerator<TrackedEvent>, count: number) => {
  const seen: TrackedEvent[] = []
  for await (const item of stream) {
    seen.push(item)
    if (seen.length === count) break
  }
  return seen
}

const deltas = (items: TrackedEvent[]) =>
  items.map(({ event }) => (event.type === 'text' ? event.delta : `<${event.type}>`)).join('')

describe('stream hub', () => {
  it('aborts the upstream within 100 ms after the last subscriber leaves', async () => {
    let abortedAt = 0
    const hub = createStreamHub()
    const id = hub.start(ticker(5, (at) => (abortedAt = at)))
    const request = new AbortController()
    await take(hub.follow(id, request.signal), 3)
    const leftAt = performance.now()
    await expect.poll(() => abortedAt, { timeout: 1_000, interval: 5 }).toBeGreaterThan(0)
    expect(abortedAt - leftAt).toBeLessThan(100)
  })

  it('resumes a live stream within the detach grace without gaps or duplicates', async () => {
    let abortedAt = 0
    const hub = createStreamHub({ detachGraceMs: 1_000 })
    const id = hub.start(ticker(2, (at) => (abortedAt = at)))
    const first = await take(hub.follow(id, undefined), 4)
    await sleep(30) // the client reconnects; the stream kept producing meanwhile
    const last = first.at(-1)?.id ?? ''
    const request = new AbortController()
    const rest = await take(hub.resume(last, request.signal), 20)
    request.abort()
    const all = [...first, ...rest]
    expect(new Set(all.map((item) => item.id)).size).toBe(all.length)
    expect(deltas(all)).toBe(Array.from({ length: 24 }, (_, i) => `${i},`).join(''))
    expect(abortedAt).toBe(0)
  })

  it('keeps the events up to an abort resumable after the stream ended', async () => {
    let abortedAt = 0
    const hub = createStreamHub({ detachGraceMs: 20 })
    const id = hub.start(ticker(5, (at) => (abortedAt = at)))
    const first = await take(hub.follow(id, undefined), 2)
    // Back later than the grace: the upstream is gone, its output is not.
    await expect.poll(() => abortedAt, { timeout: 1_000, interval: 5 }).toBeGreaterThan(0)
    const rest: TrackedEvent[] = []
    for await (const item of hub.resume(first.at(-1)?.id ?? '', undefined)) rest.push(item)
    const all = [...first, ...rest]
    expect(new Set(all.map((item) => item.id)).size).toBe(all.length)
    const text = deltas(all.slice(0, -1))
    expect(text).toBe(Array.from({ length: all.length - 1 }, (_, i) => `${i},`).join(''))
    expect(all.at(-1)?.event).toMatchObject({ type: 'error', code: 'ABORTED' })
  })
})
