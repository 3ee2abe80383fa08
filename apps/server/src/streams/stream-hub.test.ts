// The hub's contract: a reader that goes away leaves the answer generating for the resume window,
// a reconnect with lastEventId gets exactly the events after it (live, or from the buffer once the
// stream ended), an explicit cancel aborts the upstream at once, and the producer never runs more
// than the buffer bound ahead of its readers.
import type { StreamEvent, TrackedEvent } from '@tokenflow/api'
import { describe, expect, it } from 'vitest'
import { createStreamHub, type StreamControl } from './stream-hub'

const resumable = { resumable: true }

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Emits `text` events every `everyMs` (waiting for room as runCompletion does) until aborted,
 * then an ABORTED error; or `end` after `count` events.
 */
const ticker =
  (everyMs: number, onAbort: (at: number) => void, count = 1_000) =>
  async ({ emit, room, signal }: StreamControl) => {
    for (let i = 0; !signal.aborted && i < count; i += 1) {
      if (!emit({ type: 'text', delta: `${i},` })) await room()
      if (everyMs > 0) await sleep(everyMs)
    }
    if (!signal.aborted) {
      emit(end)
      return
    }
    onAbort(performance.now())
    emit({ type: 'error', code: 'ABORTED', message: String(signal.reason), retryable: false })
  }

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

const take = async (stream: AsyncGenerator<TrackedEvent>, count: number) => {
  const seen: TrackedEvent[] = []
  for await (const item of stream) {
    seen.push(item)
    if (seen.length === count) break
  }
  return seen
}

const all = async (stream: AsyncIterable<TrackedEvent>) => {
  const seen: TrackedEvent[] = []
  for await (const item of stream) seen.push(item)
  return seen
}

const deltas = (items: TrackedEvent[]) =>
  items.map(({ event }) => (event.type === 'text' ? event.delta : `<${event.type}>`)).join('')

const counting = (count: number) => Array.from({ length: count }, (_, i) => `${i},`).join('')

describe('stream hub', () => {
  it('keeps generating while nobody listens, and a reconnect gets the rest exactly', async () => {
    let abortedAt = 0
    const hub = createStreamHub({ resumeWindowMs: 2_000 })
    const id = hub.start(
      ticker(2, (at) => (abortedAt = at), 150),
      resumable,
    )
    const first = await take(hub.follow(id, undefined), 4)
    await sleep(100) // the client is away; the answer keeps coming
    const rest = await all(hub.resume(first.at(-1)?.id ?? '', undefined))
    const events = [...first, ...rest]
    expect(new Set(events.map((item) => item.id)).size).toBe(events.length)
    expect(deltas(events)).toBe(`${counting(150)}<end>`)
    expect(abortedAt).toBe(0)
  })

  it('aborts the upstream once the resume window passes with no reader', async () => {
    let abortedAt = 0
    const hub = createStreamHub({ resumeWindowMs: 60 })
    const id = hub.start(
      ticker(5, (at) => (abortedAt = at)),
      resumable,
    )
    const first = await take(hub.follow(id, undefined), 2)
    const leftAt = performance.now()
    await expect.poll(() => abortedAt, { timeout: 1_000, interval: 5 }).toBeGreaterThan(0)
    expect(abortedAt - leftAt).toBeGreaterThanOrEqual(55)
    // Back after the window: the output up to the abort is still there, then why it stopped.
    const events = [...first, ...(await all(hub.resume(first.at(-1)?.id ?? '', undefined)))]
    expect(new Set(events.map((item) => item.id)).size).toBe(events.length)
    expect(deltas(events.slice(0, -1))).toBe(counting(events.length - 1))
    expect(events.at(-1)?.event).toMatchObject({ type: 'error', code: 'ABORTED' })
  })

  it('aborts the upstream at once on an explicit cancel, listened to or not', async () => {
    let abortedAt = 0
    const hub = createStreamHub({ resumeWindowMs: 10_000 })
    const id = hub.start(
      ticker(5, (at) => (abortedAt = at)),
      resumable,
    )
    await take(hub.follow(id, undefined), 2)
    const cancelledAt = performance.now()
    expect(await hub.cancel(id)).toBe(true)
    await expect.poll(() => abortedAt, { timeout: 1_000, interval: 2 }).toBeGreaterThan(0)
    expect(abortedAt - cancelledAt).toBeLessThan(100)
    await expect.poll(() => hub.cancel(id), { timeout: 1_000, interval: 5 }).toBe(false)
    expect(await hub.cancel('no-such-stream')).toBe(false)
  })

  it('holds the producer at the buffer bound while the reader does not read', async () => {
    const hub = createStreamHub({ bufferBytes: 4_096, resumeWindowMs: 10_000 })
    let produced = 0
    const id = hub.start(async ({ emit, room, signal }) => {
      for (let i = 0; i < 2_000 && !signal.aborted; i += 1) {
        produced += 1
        if (!emit({ type: 'text', delta: 'x'.repeat(100) })) await room()
      }
      emit(end)
    }, resumable)
    const reader = hub.follow(id, undefined)
    const first = await reader.next()
    await sleep(50)
    // 164 bytes an event (100 of text, 64 of envelope): about 4 KiB ahead, then it waits.
    const held = produced
    expect(held).toBeGreaterThan(10)
    expect(held).toBeLessThan(40)
    await sleep(50)
    expect(produced).toBe(held)
    const rest = await all(reader)
    expect(produced).toBe(2_000)
    expect(first.done).toBe(false)
    expect(rest.at(-1)?.event.type).toBe('end')
    expect(rest).toHaveLength(2_000)
  })

  it('bounds the replay buffer in bytes: an event id older than it is RESUME_EXPIRED', async () => {
    const hub = createStreamHub({ bufferBytes: 1_024, replayBytes: 2_048 })
    const id = hub.start(async ({ emit, room }) => {
      for (let i = 0; i < 100; i += 1) if (!emit({ type: 'text', delta: `${i}` })) await room()
      emit(end)
    }, resumable)
    const events = await all(hub.follow(id, undefined))
    expect(events).toHaveLength(101)
    const [old] = await all(hub.resume(events[0]?.id ?? '', undefined))
    expect(old?.event).toMatchObject({ type: 'error', code: 'RESUME_EXPIRED' })
    const recent = await all(hub.resume(events.at(-3)?.id ?? '', undefined))
    expect(recent.map((item) => item.id)).toEqual(events.slice(-2).map((item) => item.id))
  })

  it('drops a finished stream no client can resume at once, and keeps a resumable one', async () => {
    const hub = createStreamHub()
    const kept = hub.start(
      ticker(0, () => {}, 3),
      resumable,
    )
    const dropped = hub.start(
      ticker(0, () => {}, 3),
      { resumable: false },
    )
    const [keptEvents, droppedEvents] = await Promise.all([
      all(hub.follow(kept, undefined)),
      all(hub.follow(dropped, undefined)),
    ])
    // Both readers got the whole stream; only the resumable one is still there.
    expect(deltas(droppedEvents)).toBe(`${counting(3)}<end>`)
    expect(hub.size()).toBe(1)
    const again = await all(hub.resume(keptEvents[0]?.id ?? '', undefined))
    expect(deltas(again)).toBe('1,2,<end>')
    const [gone] = await all(hub.resume(droppedEvents[0]?.id ?? '', undefined))
    expect(gone?.event).toMatchObject({ type: 'error', code: 'RESUME_EXPIRED' })
  })

  it('forgets a finished stream after the grace period', async () => {
    const hub = createStreamHub({ graceMs: 100 })
    const id = hub.start(
      ticker(0, () => {}, 3),
      resumable,
    )
    const events = await all(hub.follow(id, undefined))
    expect(hub.size()).toBe(1)
    await sleep(250)
    expect(hub.size()).toBe(0)
    const [gone] = await all(hub.resume(events[0]?.id ?? '', undefined))
    expect(gone?.event).toMatchObject({ type: 'error', code: 'RESUME_EXPIRED' })
  })

  it('holds the finished streams together to the retained bytes, dropping the oldest', async () => {
    // Each stream: 10 events of 66 bytes and the end's 512, about 1.2 KB; 4 KB keep three.
    const hub = createStreamHub({ retainedBytes: 4_096 })
    const ids: string[] = []
    const firsts: string[] = []
    for (let i = 0; i < 6; i += 1) {
      const id = hub.start(
        ticker(0, () => {}, 10),
        resumable,
      )
      ids.push(id)
      firsts.push((await all(hub.follow(id, undefined)))[0]?.id ?? '')
    }
    expect(hub.size()).toBe(3)
    const [oldest] = await all(hub.resume(firsts[0] ?? '', undefined))
    expect(oldest?.event).toMatchObject({ type: 'error', code: 'RESUME_EXPIRED' })
    const newest = await all(hub.resume(firsts[5] ?? '', undefined))
    expect(newest.at(-1)?.event.type).toBe('end')
    expect(newest).toHaveLength(10)
  })
})
