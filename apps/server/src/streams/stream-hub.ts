// Live streams outlive the HTTP request that started them: each keeps a replay buffer bounded in
// events and bytes, so a client that reconnects with `lastEventId` gets exactly the events after
// it, live while the answer is still generating and from the buffer once it has ended.
//
// Disconnect, cancel and backpressure (over SSE the server cannot tell an unsubscribe from a
// dropped connection, so a disconnect is treated as a reconnect that has not happened yet):
// - Nobody listening: the answer keeps generating for `resumeWindowMs` (10 s), so a reconnect
//   within it continues live without a gap. The cost: a client that really left spends up to
//   that window of provider tokens. After the window the upstream is aborted; a later resume
//   (within `graceMs`, 30 s, of the stream ending) gets the events up to the abort, then the
//   `ABORTED` error event.
// - An explicit cancel (`cancel(id)`: the cancel mutations, `DELETE /api/streams/:id`, the typed
//   client's unsubscribe) aborts the upstream at once. The REST and OpenAI-compatible streams
//   carry no event ids to resume from, so their disconnect is such a cancel; only tRPC clients
//   (tracked ids) get the window.
// - A finished stream stays resumable for `graceMs` (30 s) when its client can resume
//   (`resumable`), with every finished stream's buffer together held to `retainedBytes`: under
//   load the oldest ones go first. Non-resumable streams (REST, OpenAI-compatible) go at once.
// - The producer runs at most `bufferBytes` ahead of the furthest reader: past that, `emit` says
//   so and the producer waits for `room()` before reading more from the provider. With nobody
//   listening it stops there too, so a stalled or absent client never makes the buffer grow.
//
// Across replicas (`log`, with REDIS_URL): every event also goes to Redis, and readers here see
// it once Redis holds it; a resume or cancel for a stream this replica does not hold is served
// from there (SharedStreamLog). A reader on another replica counts as a reader here.
import { randomUUID } from 'node:crypto'
import type { StreamEvent, TrackedEvent } from '@tokenflow/api'
import { LIVE_TTL_MS, type SharedStreamLog, type StreamWriter } from './shared-stream-log'

export type StreamHubOptions = {
  /** Events kept per stream for resume (STREAM_REPLAY_LIMIT); 1000 unless set. */
  replayLimit?: number
  /** Bytes kept per stream for resume (STREAM_REPLAY_BYTES); 1 MiB unless set. */
  replayBytes?: number
  /** How far the producer may run ahead of its readers (STREAM_BUFFER_BYTES); 64 KiB. */
  bufferBytes?: number
  /** How long a finished stream stays resumable; STREAM_GRACE_MS unless set. */
  graceMs?: number
  /**
   * Bytes the finished streams' buffers may hold together (STREAM_RETAINED_BYTES); 16 MiB unless
   * set. Past it the oldest finished stream is dropped before its grace period ends.
   */
  retainedBytes?: number
  /** How long a stream with no reader keeps generating (STREAM_RESUME_WINDOW_MS); 10 s. */
  resumeWindowMs?: number
  /** The streams' events in Redis, for replicas that do not hold them; none: this process only. */
  log?: SharedStreamLog
}

/** Publishes an event; false when the producer is `bufferBytes` ahead and should await `room`. */
export type Emit = (event: StreamEvent) => boolean

export type StreamControl = {
  emit: Emit
  /** Resolves once a reader has caught up to within the buffer bound, or the stream is aborted. */
  room(): Promise<void>
  signal: AbortSignal
  streamId: string
}

export type Producer = (control: StreamControl) => Promise<void>

/**
 * Whether the client can come back for the stream: tRPC clients hold event ids, REST and
 * OpenAI-compatible ones do not, so their finished streams are not kept for a resume.
 */
export type StartOptions = { resumable: boolean }

/** What one event weighs in the buffers: its text, plus a fixed allowance for the envelope. */
const ENVELOPE_BYTES = 64
const bytesOf = (event: StreamEvent): number => {
  if (event.type === 'text') return ENVELOPE_BYTES + event.delta.length
  if (event.type === 'tool_call') {
    return ENVELOPE_BYTES + (event.name?.length ?? 0) + event.arguments.length
  }
  return ENVELOPE_BYTES * 8
}

type Buffered = { event: StreamEvent; endByte: number }

class LiveStream {
  events: Buffered[] = []
  firstSeq = 0
  nextSeq = 0
  /** Events before this seq may be read: all of them, or (durable) those Redis already holds. */
  visibleSeq = 0
  /** Writes the events to Redis (null: this process only). */
  writer: StreamWriter | null = null
  durable = false
  /** When a reader on another replica last reported in. */
  remoteReaderAt = 0
  /** Bytes published so far, and where the oldest buffered event starts. */
  producedBytes = 0
  firstByte = 0
  /** The furthest event any reader has taken (-1: none yet). */
  readSeq = -1
  done = false
  subscribers = 0
  detachTimer: NodeJS.Timeout | undefined
  /** Dropped once the stream has finished, with whatever the producer hung on its signal. */
  private upstream: AbortController | null
  private waiters: Array<() => void> = []
  private roomWaiters: Array<() => void> = []

  constructor(
    readonly id: string,
    private readonly limits: Required<Pick<StreamHubOptions, 'replayLimit' | 'replayBytes'>> & {
      bufferBytes: number
    },
    upstream: AbortController,
  ) {
    this.upstream = upstream
    upstream.signal.addEventListener('abort', () => this.wakeRoom(), { once: true })
  }

  publish(event: StreamEvent): boolean {
    if (this.done) return true
    this.producedBytes += bytesOf(event)
    this.events.push({ event, endByte: this.producedBytes })
    this.nextSeq += 1
    if (!this.durable) this.visibleSeq = this.nextSeq
    const { replayLimit, replayBytes } = this.limits
    while (
      this.events.length > 1 &&
      (this.events.length > replayLimit || this.producedBytes - this.firstByte > replayBytes)
    ) {
      const dropped = this.events.shift() as Buffered
      this.firstByte = dropped.endByte
      this.firstSeq += 1
    }
    this.wake()
    return this.hasRoom()
  }

  /** Redis holds every event before `seq`. */
  persisted(seq: number) {
    if (seq <= this.visibleSeq) return
    this.visibleSeq = seq
    this.wake()
  }

  /** Redis is gone for this stream: its readers here see every event again. */
  localOnly() {
    this.durable = false
    this.visibleSeq = this.nextSeq
    this.wake()
  }

  /** A reader on another replica took event `seq`. */
  remoteRead(seq: number) {
    this.remoteReaderAt = Date.now()
    this.taken(seq)
  }

  /** A reader took event `seq`: the producer may be allowed on. */
  taken(seq: number) {
    if (seq <= this.readSeq) return
    this.readSeq = seq
    if (this.roomWaiters.length > 0 && this.hasRoom()) this.wakeRoom()
  }

  hasRoom(): boolean {
    const read = this.events[this.readSeq - this.firstSeq]
    const readByte = read ? read.endByte : this.readSeq < this.firstSeq ? this.firstByte : 0
    return this.producedBytes - readByte <= this.limits.bufferBytes
  }

  room(): Promise<void> {
    if (this.hasRoom() || !this.upstream || this.upstream.signal.aborted) return Promise.resolve()
    return new Promise((resolve) => this.roomWaiters.push(resolve))
  }

  /** Aborts the producer's upstream; a finished stream has none left to abort. */
  abort(reason: Error) {
    this.upstream?.abort(reason)
  }

  /**
   * The producer is done: what stays is the replay buffer, not the provider call's state that
   * its signal's listeners and the Redis writer hold.
   */
  finish() {
    this.done = true
    this.upstream = null
    this.writer = null
    this.wake()
    this.wakeRoom()
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

  private wakeRoom() {
    const waiters = this.roomWaiters
    this.roomWaiters = []
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

/** How long a finished stream stays resumable, here and in Redis. */
export const STREAM_GRACE_MS = 30_000

export type StreamHub = ReturnType<typeof createStreamHub>

export const createStreamHub = (options: StreamHubOptions = {}) => {
  const replayLimit = options.replayLimit ?? 1_000
  const bufferBytes = options.bufferBytes ?? 64 * 1024
  // The replay buffer holds at least what the producer may run ahead, or a reader that fell
  // behind by the whole buffer could not be served from it.
  const replayBytes = Math.max(options.replayBytes ?? 1024 * 1024, bufferBytes)
  const graceMs = options.graceMs ?? STREAM_GRACE_MS
  const resumeWindowMs = options.resumeWindowMs ?? 10_000
  const retainedBytes = options.retainedBytes ?? 16 * 1024 * 1024
  const streams = new Map<string, LiveStream>()
  // Finished streams kept for a resume, oldest first, with when each expires and what it holds.
  const finished = new Map<string, { expiresAt: number; bytes: number }>()
  let finishedBytes = 0
  const forget = (id: string) => {
    const kept = finished.get(id)
    if (!kept) return
    finished.delete(id)
    finishedBytes -= kept.bytes
    streams.delete(id)
  }
  // Expired streams go on the next finish or sweep: one timer for the hub, not one per stream.
  const sweep = () => {
    const now = Date.now()
    for (const [id, kept] of finished) {
      if (kept.expiresAt > now && finishedBytes <= retainedBytes) break
      forget(id)
    }
  }
  let sweeper: NodeJS.Timeout | undefined
  const retain = (stream: LiveStream) => {
    const bytes = stream.producedBytes - stream.firstByte
    finished.set(stream.id, { expiresAt: Date.now() + graceMs, bytes })
    finishedBytes += bytes
    sweep()
    if (sweeper === undefined) {
      sweeper = setInterval(
        () => {
          sweep()
          if (finished.size > 0) return
          clearInterval(sweeper)
          sweeper = undefined
        },
        Math.min(graceMs, 1_000),
      ).unref()
    }
  }
  const { log } = options
  log?.onCancel((id) => {
    const stream = streams.get(id)
    if (stream && !stream.done) stream.abort(new Error('the stream was cancelled'))
  })

  const attach = (stream: LiveStream) => {
    stream.subscribers += 1
    clearTimeout(stream.detachTimer)
  }

  const detach = (stream: LiveStream) => {
    stream.subscribers -= 1
    if (stream.subscribers > 0 || stream.done) return
    const abandon = async () => {
      // A client that came back through another replica is still reading.
      const elsewhere =
        Date.now() - stream.remoteReaderAt < LIVE_TTL_MS || (await stream.writer?.heartbeat())
      if (stream.done || stream.subscribers > 0) return
      if (elsewhere) {
        stream.detachTimer = setTimeout(abandon, resumeWindowMs).unref()
        return
      }
      stream.abort(
        new Error(`the client went away and did not come back within ${resumeWindowMs} ms`),
      )
    }
    if (resumeWindowMs <= 0) void abandon()
    else stream.detachTimer = setTimeout(abandon, resumeWindowMs).unref()
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
        while (cursor + 1 < stream.visibleSeq && !signal?.aborted) {
          cursor += 1
          const buffered = stream.events[cursor - stream.firstSeq]
          // Counted as read when the consumer asks for the next one: a consumer that awaits
          // its socket before asking holds the producer back.
          if (buffered) yield { id: `${stream.id}:${cursor}`, event: buffered.event }
          stream.taken(cursor)
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
    start(producer: Producer, { resumable }: StartOptions): string {
      const id = randomUUID()
      const upstream = new AbortController()
      const stream = new LiveStream(id, { replayLimit, replayBytes, bufferBytes }, upstream)
      streams.set(id, stream)
      const writer =
        log?.writer(id, {
          onPersisted: (seq) => stream.persisted(seq),
          onLost: () => stream.localOnly(),
          onRemoteReader: (seq) => stream.remoteRead(seq),
        }) ?? null
      stream.writer = writer
      stream.durable = writer !== null
      const emit: Emit = (event) => {
        if (stream.done) return true
        writer?.append(stream.nextSeq, event)
        return stream.publish(event)
      }
      producer({ emit, room: () => stream.room(), signal: upstream.signal, streamId: id })
        .catch((error: unknown) => {
          const message = error instanceof Error ? error.message : String(error)
          emit({ type: 'error', code: 'INTERNAL', message, retryable: false })
        })
        .finally(() => {
          stream.finish()
          writer?.finish()
          clearTimeout(stream.detachTimer)
          // Its readers hold the stream itself and read on; the map is for resumes and cancels.
          if (resumable) retain(stream)
          else streams.delete(id)
        })
      return id
    },

    follow(id: string, signal: AbortSignal | undefined): AsyncGenerator<TrackedEvent> {
      const stream = streams.get(id)
      if (!stream) throw new Error(`unknown stream ${id}`)
      return follow(stream, -1, signal)
    },

    /**
     * Events after `lastEventId`, live if the stream still runs (here or, through the log, on
     * another replica); RESUME_EXPIRED if unknown.
     */
    async *resume(lastEventId: string, signal: AbortSignal | undefined) {
      const parsed = parseEventId(lastEventId)
      const stream = parsed ? streams.get(parsed.streamId) : undefined
      if (parsed && stream && parsed.seq < stream.nextSeq) {
        yield* follow(stream, parsed.seq, signal)
        return
      }
      const elsewhere =
        parsed && !stream ? await log?.follow(parsed.streamId, parsed.seq, signal) : null
      if (elsewhere) {
        yield* elsewhere
        return
      }
      yield expired(`stream of event ${lastEventId} is unknown or has expired`)
    },

    /**
     * Aborts a stream's upstream now, here or on the replica producing it. True when the stream
     * was still generating; false when it had finished or is unknown (expired, or never existed).
     */
    async cancel(id: string): Promise<boolean> {
      const stream = streams.get(id)
      if (stream) {
        if (stream.done) return false
        stream.abort(new Error('the stream was cancelled'))
        return true
      }
      return (await log?.cancel(id)) ?? false
    },

    /** Streams still producing or within their grace period. */
    size: () => streams.size,
  }
}
