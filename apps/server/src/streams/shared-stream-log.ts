// A stream's events in Redis, so that any gateway replica can resume or cancel a stream another
// one is producing (REDIS_URL set). Per stream id, in the hub's `kind` namespace:
// - `tf:s:<kind>:<id>`: a Redis Stream with one entry per event, entry id `0-<seq + 1>`, capped
//   at the replay limit (MAXLEN ~) and expiring `ttlMs` after its last write; a final entry
//   with field `d` marks the end.
// - `…:live`: set while the producing replica runs, refreshed every `liveTtlMs / 3`. A reader on
//   another replica that finds no new entries and no live key knows the producer died.
// - `…:reader`: the position of a reader on another replica, refreshed while it follows, so the
//   producer counts it as a reader (its resume window and backpressure).
// - channel `tf:streams:cancel`: `<kind>:<id>` asks the replica holding that stream to abort it.
//
// Writes are pipelined once per event-loop turn. The hub shows an event to its readers only once
// Redis holds it (`onPersisted`), so whatever a client has seen, another replica can continue
// from. A failed write turns the stream local-only (`onLost`): its readers here carry on, and a
// reader elsewhere gets STREAM_INTERRUPTED at the point Redis stops, never a gap.
import type { StreamEvent, TrackedEvent } from '@tokenflow/api'
import type { Redis } from 'ioredis'
import type { SharedState } from '../state/shared-state'

export type SharedStreamLogOptions = {
  state: SharedState
  /** Namespace of the hub's streams ('generation', 'routing'): a resume is served by its kind. */
  kind: string
  /** Entries kept per stream (STREAM_REPLAY_LIMIT). */
  maxEntries: number
  /** How long a stream's entries stay after the last write. */
  ttlMs: number
  /** How long the live and reader marks last without a refresh. */
  liveTtlMs?: number
  /** How often a reader on another replica looks for new entries. */
  pollMs?: number
}

export type StreamWriterCallbacks = {
  /** Redis holds every event before `seq` (exclusive). */
  onPersisted(seq: number): void
  /** A write failed: the stream is local from here on. */
  onLost(error: unknown): void
  /** A reader on another replica has taken events up to `seq`. */
  onRemoteReader(seq: number): void
}

export type StreamWriter = {
  append(seq: number, event: StreamEvent): void
  /** The last event was appended: write the end mark, then stop refreshing. */
  finish(): void
  /** Refreshes the live mark now; true when a reader on another replica has reported in. */
  heartbeat(): Promise<boolean>
}

const CANCEL_CHANNEL = 'tf:streams:cancel'

/** How long the live and reader marks last without a refresh, unless set. */
export const LIVE_TTL_MS = 3_000

export const interrupted = (id: string, message: string): TrackedEvent => ({
  id,
  event: { type: 'error', code: 'STREAM_INTERRUPTED', message, retryable: true },
})

const sleep = (ms: number, signal: AbortSignal | undefined) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms)
    function done() {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, { once: true })
  })

/** The pipeline's per-command errors, or the rejection itself, as one error (null: all ran). */
const failureOf = (results: [Error | null, unknown][] | null): Error | null => {
  if (!results) return new Error('the pipeline was discarded')
  return results.find(([error]) => error)?.[0] ?? null
}

class RedisStreamWriter implements StreamWriter {
  private pending: [number, string][] = []
  private scheduled = false
  private flushing = false
  private finishing = false
  private stopped = false
  private endSeq = 0
  private readonly refresh: NodeJS.Timeout

  constructor(
    private readonly redis: Redis,
    private readonly keys: { events: string; live: string; reader: string },
    private readonly options: { maxEntries: number; ttlMs: number; liveTtlMs: number },
    private readonly callbacks: StreamWriterCallbacks,
  ) {
    this.refresh = setInterval(() => void this.heartbeat(), options.liveTtlMs / 3)
    this.refresh.unref()
  }

  append(seq: number, event: StreamEvent) {
    if (this.stopped) return
    this.pending.push([seq, JSON.stringify(event)])
    this.endSeq = seq + 1
    this.schedule()
  }

  finish() {
    if (this.stopped) return
    this.finishing = true
    this.schedule()
  }

  private schedule() {
    if (this.scheduled || this.flushing) return
    this.scheduled = true
    setImmediate(() => {
      this.scheduled = false
      void this.flush()
    })
  }

  private async flush() {
    if (this.stopped) return
    const batch = this.pending
    this.pending = []
    const ending = this.finishing
    const { events, live } = this.keys
    const pipeline = this.redis.pipeline()
    const cap = String(this.options.maxEntries)
    for (const [seq, json] of batch) {
      pipeline.xadd(events, 'MAXLEN', '~', cap, `0-${seq + 1}`, 'e', json)
    }
    if (ending) pipeline.xadd(events, 'MAXLEN', '~', cap, `0-${this.endSeq + 1}`, 'd', '1')
    pipeline.pexpire(events, this.options.ttlMs)
    if (ending) pipeline.del(live)
    else pipeline.set(live, '1', 'PX', this.options.liveTtlMs)
    this.flushing = true
    let failure: Error | null
    try {
      failure = failureOf(await pipeline.exec())
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error))
    }
    this.flushing = false
    if (failure) return this.lose(failure)
    if (batch.length > 0) this.callbacks.onPersisted((batch.at(-1) as [number, string])[0] + 1)
    if (ending && this.pending.length === 0) return this.stop()
    if (this.pending.length > 0 || this.finishing) this.schedule()
  }

  async heartbeat(): Promise<boolean> {
    if (this.stopped || this.finishing) return false
    const { events, live, reader } = this.keys
    try {
      const results = await this.redis
        .pipeline()
        .set(live, '1', 'PX', this.options.liveTtlMs)
        .pexpire(events, this.options.ttlMs)
        .get(reader)
        .exec()
      const failure = failureOf(results)
      if (failure) {
        this.lose(failure)
        return false
      }
      const seq = Number(results?.[2]?.[1] ?? Number.NaN)
      if (!Number.isInteger(seq)) return false
      this.callbacks.onRemoteReader(seq)
      return true
    } catch (error) {
      this.lose(error)
      return false
    }
  }

  private lose(error: unknown) {
    if (this.stopped) return
    this.stop()
    this.callbacks.onLost(error)
  }

  private stop() {
    this.stopped = true
    this.pending = []
    clearInterval(this.refresh)
  }
}

export type SharedStreamLog = ReturnType<typeof createSharedStreamLog>

export const createSharedStreamLog = ({
  state,
  kind,
  maxEntries,
  ttlMs,
  liveTtlMs = LIVE_TTL_MS,
  pollMs = 20,
}: SharedStreamLogOptions) => {
  const keysOf = (id: string) => {
    const events = `tf:s:${kind}:${id}`
    return { events, live: `${events}:live`, reader: `${events}:reader` }
  }
  const cancelHandlers: Array<(id: string) => void> = []
  const { subscriber } = state
  if (subscriber) {
    const prefix = `${kind}:`
    // Subscribed on every (re)connect: a SUBSCRIBE sent while Redis is away fails, not queues.
    const subscribe = () => subscriber.subscribe(CANCEL_CHANNEL).catch(() => {})
    subscriber.on('ready', subscribe)
    if (subscriber.status === 'ready') void subscribe()
    subscriber.on('message', (channel: string, message: string) => {
      if (channel !== CANCEL_CHANNEL || !message.startsWith(prefix)) return
      const id = message.slice(prefix.length)
      for (const handler of cancelHandlers) handler(id)
    })
  }

  /** Entries from seq `from` on, as [seq, event or 'end'] (null: an entry that cannot be read). */
  const read = async (redis: Redis, key: string, from: number) => {
    const entries = await redis.xrange(key, `0-${from + 1}`, '+', 'COUNT', 256)
    return entries.map(([entryId, fields]): [number, StreamEvent | 'end' | null] => {
      const seq = Number(entryId.slice(2)) - 1
      if (fields[0] === 'd') return [seq, 'end']
      try {
        return [seq, JSON.parse(fields[1] ?? '') as StreamEvent]
      } catch {
        return [seq, null]
      }
    })
  }

  return {
    /** True while a stream started now would be written to Redis. */
    ready: () => state.ready(),

    writer(id: string, callbacks: StreamWriterCallbacks): StreamWriter | null {
      if (!state.redis || !state.ready()) return null
      return new RedisStreamWriter(
        state.redis,
        keysOf(id),
        { maxEntries, ttlMs, liveTtlMs },
        callbacks,
      )
    },

    /**
     * Follows a stream another replica produces, from the event after `afterSeq`: replayed from
     * Redis, then live until its end mark; STREAM_INTERRUPTED once its producer is gone (no live
     * mark, nothing new) or an event is missing; null when Redis knows no such stream.
     */
    async follow(
      id: string,
      afterSeq: number,
      signal: AbortSignal | undefined,
    ): Promise<AsyncGenerator<TrackedEvent> | null> {
      const redis = state.redis
      if (!redis || !state.ready()) return null
      const keys = keysOf(id)
      try {
        if (!(await redis.exists(keys.events))) return null
      } catch {
        return null
      }
      return (async function* () {
        let next = afterSeq + 1
        let markedAt = 0
        const lost = (message: string) => interrupted(`${id}:${next}`, message)
        while (!signal?.aborted) {
          let entries: Awaited<ReturnType<typeof read>>
          try {
            if (Date.now() - markedAt > liveTtlMs / 3) {
              markedAt = Date.now()
              await redis.set(keys.reader, String(next - 1), 'PX', liveTtlMs)
            }
            entries = await read(redis, keys.events, next)
            if (entries.length === 0) {
              if (!(await redis.exists(keys.live))) {
                // The producer may have written its last entries and its end since the read.
                entries = await read(redis, keys.events, next)
                if (entries.length === 0) {
                  yield lost('the replica producing this stream stopped before it finished')
                  return
                }
              } else {
                await sleep(pollMs, signal)
                continue
              }
            }
          } catch (error) {
            const why = error instanceof Error ? error.message : String(error)
            yield lost(`the shared stream store is unavailable (${why})`)
            return
          }
          for (const [seq, event] of entries) {
            if (event === 'end') return
            if (seq !== next || event === null) {
              yield next === afterSeq + 1
                ? {
                    id: `${id}:${next}`,
                    event: {
                      type: 'error',
                      code: 'RESUME_EXPIRED',
                      message: `events after ${id}:${afterSeq} are no longer kept`,
                      retryable: false,
                    },
                  }
                : lost(`events from ${id}:${next} on were not kept`)
              return
            }
            yield { id: `${id}:${seq}`, event }
            next += 1
          }
        }
      })()
    },

    /** Asks whichever replica produces `id` to abort it; false when no replica does. */
    async cancel(id: string): Promise<boolean> {
      const redis = state.redis
      if (!redis || !state.ready()) return false
      try {
        if (!(await redis.exists(keysOf(id).live))) return false
        await redis.publish(CANCEL_CHANNEL, `${kind}:${id}`)
        return true
      } catch {
        return false
      }
    },

    /** Calls `handler` with each stream id another replica asks to cancel. */
    onCancel(handler: (id: string) => void) {
      cancelHandlers.push(handler)
    },
  }
}
