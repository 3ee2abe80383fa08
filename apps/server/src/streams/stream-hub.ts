// Live streams outlive the HTTP request that started them by a little: each keeps a bounded
// replay buffer, so a client that reconnects with `lastEventId` gets exactly the events after
// it. The upstream request is aborted once nobody has listened for `detachGraceMs`.
//
// How resume and abort fit together: over SSE the server cannot tell an unsubscribe from a
// dropped connection (both close the request), so one rule serves both.
// - Nobody listening for `detachGraceMs` (50 ms): the provider request is aborted, so an
//   unsubscribe or disconnect reaches the provider within 100 ms.
// - A reconnect within that grace attaches to the live stream and continues without a gap.
// - A later reconnect (within `graceMs`, 30 s, of the stream ending) still gets every event
//   after its `lastEventId` that was produced up to the abort, then the `ABORTED` error event:
//   no duplicated or missing text, but the answer stops where the abort cut it.
// Deployments whose clients reconnect slowly can raise `detachGraceMs` and trade upstream abort
// latency (and provider tokens) for live resumes.
import { randomUUID } from 'node:crypto'
import type { StreamEvent, TrackedEvent } from '@tokenflow/api'

export type StreamHubOptions = {
  /** Events kept per stream for resume (STREAM_REPLAY_LIMIT); 1000 unless set. */
  replayLimit?: number
  /** How long a finished stream stays resumable; 30 s unless set. */
  graceMs?: number
  /**
   * How long a stream with no subscriber keeps generating before its upstream is aborted;
   * 50 ms unless set, so a disconnect reaches the provider well within 100 ms.
   */
  detachGraceMs?: number
}

export type Emit = (event: StreamEvent) => void

export type Producer = (emit: Emit, signal: AbortSignal, streamId: string) => Promise<void>

class LiveStream {
  events: TrackedEvent[] = []
  firstSeq = 0
  nextSeq = 0
  done = false
  subscribers = 0
  detachTimer: NodeJS.Timeout | undefined
  readonly upstream = new AbortController()
  private waiters: Array<() => void> = []

  constructor(
    readonly id: string,
    private readonly replayLimit: number,
  ) {}

  publish(event: StreamEvent) {
    if (this.done) return
    this.events.push({ id: `${this.id}:${this.nextSeq}`, event })
    this.nextSeq += 1
    if (this.events.length > this.replayLimit) {
      this.events.shift()
      this.firstSeq += 1
    }
    this.wake()
  }

  finish() {
    this.done = true
    this.wake()
  }

  /** Calls `waiter` once, on the next publish or finish. */
  waitForChange(waiter: () => void) {
    this.waiters.push(waiter)
  }

  private wake() {
    if (this.waiters.length === 0) return
    const waiters = this.waiters
    this.waiters = []
    for (const waiter of waiters) waiter()
  }
}

const expired = (message: string): TrackedEvent => ({
  id: `${randomUUID()}:0`,
  event: { type: 'error', code: 'RESUME_EXPIRED', message, retryable: false },
})

export const parseEventId = (id: string): { streamId: string; seq: number } | null => {
  const at = id.lastIndexOf(':')
  const seq = Number(id.slice(at + 1))
  if (at <= 0 || !Number.isInteger(seq) || seq < 0) return null
  return { streamId: id.slice(0, at), seq }
}

export type StreamHub = ReturnType<typeof createStreamHub>

export const createStreamHub = (options: StreamHubOptions = {}) => {
  const replayLimit = options.replayLimit ?? 1_000
  const graceMs = options.graceMs ?? 30_000
  const detachGraceMs = options.detachGraceMs ?? 50
  const streams = new Map<string, LiveStream>()

  const attach = (stream: LiveStream) => {
    stream.subscribers += 1
    clearTimeout(stream.detachTimer)
  }

  const detach = (stream: LiveStream) => {
    stream.subscribers -= 1
    if (stream.subscribers > 0 || stream.done) return
    const abandon = () => stream.upstream.abort(new Error('no subscriber left'))
    if (detachGraceMs <= 0) abandon()
    else stream.detachTimer = setTimeout(abandon, detachGraceMs)
  }

  async function* follow(
    stream: LiveStream,
    after: number,
    signal: AbortSignal | undefined,
  ): AsyncGenerator<TrackedEvent> {
    attach(stream)
    // One abort listener per follower, not one per wait: a wait happens for every event, and
    // adding and removing EventTarget listeners per chunk showed up in the streaming hot path.
    let waiting: (() => void) | undefined
    const onAbort = () => waiting?.()
    signal?.addEventListener('abort', onAbort, { once: true })
    try {
      let cursor = after
      while (!signal?.aborted) {
        if (cursor + 1 < stream.firstSeq) {
          yield expired(`events after ${stream.id}:${cursor} are no longer buffered`)
          return
        }
        while (cursor + 1 < stream.nextSeq && !signal?.aborted) {
          cursor += 1
          const event = stream.events[cursor - stream.firstSeq]
          if (event) yield event
        }
        if (stream.done && cursor + 1 >= stream.nextSeq) return
        await new Promise<void>((resolve) => {
          waiting = resolve
          stream.waitForChange(resolve)
        })
      }
    } finally {
      signal?.removeEventListener('abort', onAbort)
      detach(stream)
    }
  }

  return {
    /** Starts producing a new stream now; subscribe with `follow(id)`. */
    start(producer: Producer): string {
      const id = randomUUID()
      const stream = new LiveStream(id, replayLimit)
      streams.set(id, stream)
      producer((event) => stream.publish(event), stream.upstream.signal, id)
        .catch((error: unknown) => {
          const message = error instanceof Error ? error.message : String(error)
          stream.publish({ type: 'error', code: 'INTERNAL', message, retryable: false })
        })
        .finally(() => {
          stream.finish()
          clearTimeout(stream.detachTimer)
          setTimeout(() => streams.delete(id), graceMs).unref()
        })
      return id
    },

    follow(id: string, signal: AbortSignal | undefined): AsyncGenerator<TrackedEvent> {
      const stream = streams.get(id)
      if (!stream) throw new Error(`unknown stream ${id}`)
      return follow(stream, -1, signal)
    },

    /** Events after `lastEventId`, live if the stream still runs; RESUME_EXPIRED if unknown. */
    async *resume(lastEventId: string, signal: AbortSignal | undefined) {
      const parsed = parseEventId(lastEventId)
      const stream = parsed ? streams.get(parsed.streamId) : undefined
      if (!parsed || !stream || parsed.seq >= stream.nextSeq) {
        yield expired(`stream of event ${lastEventId} is unknown or has expired`)
        return
      }
      yield* follow(stream, parsed.seq, signal)
    },

    /** Streams still producing or within their grace period. */
    size: () => streams.size,
  }
}
