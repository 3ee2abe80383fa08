// Event-stream responses written straight to Node's socket. A Response with a web ReadableStream
// body costs a stream, a reader and a promise per event in @hono/node-server's pipe, on the
// streaming hot path's every chunk. Under @hono/node-server the handler answers with Hono's "already sent" marker and the
// frames go to `ServerResponse.write`, with its backpressure; without a socket (`app.request()` in
// tests, other runtimes) the same writer feeds a ReadableStream body.
//
// The head is written once every middleware has run (`sendStreams`, the outermost middleware), so
// headers set on the way out (CORS `Vary`, ...) are on it as on any other response. It leaves
// with the first frame, which every stream writes at once (tRPC's `connected`, REST's routing
// decision) or which the OpenAI-compatible path has in hand before it answers (an error before the
// first token is an HTTP error there); the last frames and the end of the chunked body leave in one
// write too. With `heartbeatMs`, a heartbeat frame goes out whenever nothing else did for that long
// (while the answer is being prepared, or the provider is silent), unless the client is not reading.
import type { ServerResponse } from 'node:http'
import type { Context, MiddlewareHandler } from 'hono'
import type { AppEnv } from '../app-env'
import { clientSignal } from './client-signal'

export type SseWriter = {
  /** Queues one frame; returns a promise only when the client is behind (wait before the next). */
  write(frame: string): Promise<void> | undefined
  end(): void
  /** Aborted when the client goes away before the end. */
  readonly signal: AbortSignal
}

export type SseRun = (writer: SseWriter) => Promise<void>

const ALREADY_SENT = 'x-hono-already-sent'

const eventStreamHeaders = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
}

export type SseOptions = {
  headers?: Record<string, string>
  /** Write `heartbeat` after this long without a frame; 0 or unset: no heartbeat. */
  heartbeatMs?: number
  /** The heartbeat frame; a `: ping` comment unless the protocol has its own event for it. */
  heartbeat?: string
}

const COMMENT_PING = ': ping\n\n'

/**
 * Counts the frames written and sends a heartbeat when a whole interval passed without one: the
 * hot path pays an increment per frame, not a timer reset.
 */
const withHeartbeat = (
  writer: SseWriter,
  { heartbeatMs, heartbeat = COMMENT_PING }: SseOptions,
  canWrite: () => boolean,
): SseWriter => {
  if (!heartbeatMs || heartbeatMs <= 0) return writer
  let frames = 0
  let seen = 0
  const timer = setInterval(() => {
    if (frames === seen && canWrite()) writer.write(heartbeat)
    seen = frames
  }, heartbeatMs).unref()
  const stop = () => clearInterval(timer)
  writer.signal.addEventListener('abort', stop, { once: true })
  return {
    signal: writer.signal,
    write(frame) {
      frames += 1
      return writer.write(frame)
    },
    end() {
      stop()
      writer.end()
    },
  }
}

const nodeWriter = (out: ServerResponse, signal: AbortSignal): SseWriter => {
  let drained: Promise<void> | undefined
  // The first frame of a turn of the event loop leaves at once (a first token is not held back);
  // the frames after it in that turn (the rest of one upstream read) are corked and leave in one
  // socket write once the turn's I/O callbacks ran, instead of one write syscall per frame.
  let writing = false
  let corked = false
  const endTurn = () => {
    writing = false
    if (!corked) return
    corked = false
    out.uncork()
  }
  const waitForDrain = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        out.off('drain', done)
        out.off('close', done)
        drained = undefined
        resolve()
      }
      out.on('drain', done)
      out.on('close', done)
    })
  return {
    signal,
    write(frame) {
      if (out.destroyed || out.writableEnded) return undefined
      if (!writing) {
        writing = true
        setImmediate(endTurn)
      } else if (!corked) {
        corked = true
        out.cork()
      }
      if (out.write(frame)) return undefined
      drained ??= waitForDrain()
      return drained
    },
    end() {
      // Ended while corked, the response writes the frames still held and the body's end in one
      // write; the turn's own uncork after it has nothing left to flush.
      if (!out.destroyed && !out.writableEnded) out.end()
      endTurn()
    },
  }
}

const webWriter = (signal: AbortSignal): SseWriter & { body: ReadableStream<Uint8Array> } => {
  const encoder = new TextEncoder()
  let controller!: ReadableStreamDefaultController<Uint8Array>
  let ended = false
  let pulled: (() => void) | undefined
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c
    },
    pull() {
      pulled?.()
    },
    cancel() {
      ended = true
      pulled?.()
    },
  })
  return {
    body,
    signal,
    write(frame) {
      if (ended) return undefined
      controller.enqueue(encoder.encode(frame))
      if ((controller.desiredSize ?? 1) > 0) return undefined
      return new Promise<void>((resolve) => {
        pulled = () => {
          pulled = undefined
          resolve()
        }
      })
    },
    end() {
      if (ended) return
      ended = true
      controller.close()
    },
  }
}

/**
 * Answers with an event stream that `run` writes. `run` ends the writer itself and handles its own
 * errors; one that escapes closes the connection.
 */
export const sseResponse = (c: Context<AppEnv>, options: SseOptions, run: SseRun): Response => {
  const signal = clientSignal(c)
  const out = c.env?.outgoing
  if (!out) {
    const body = webWriter(signal)
    const writer = withHeartbeat(body, options, () => true)
    void run(writer).catch(() => writer.end())
    return c.body(body.body, 200, { ...eventStreamHeaders, ...options.headers })
  }
  c.set('sendStream', () => {
    const head: Record<string, string> = {}
    for (const [name, value] of c.res.headers) if (name !== ALREADY_SENT) head[name] = value
    out.writeHead(200, head)
    const writer = withHeartbeat(nodeWriter(out, signal), options, () => !out.writableNeedDrain)
    void run(writer).catch(() => out.destroy())
  })
  return c.body(null, 200, { ...eventStreamHeaders, ...options.headers, [ALREADY_SENT]: 'true' })
}

/** The outermost middleware: starts a stream that `sseResponse` answered once the rest ran. */
export const sendStreams = (): MiddlewareHandler<AppEnv> =>
  async function sendStreamsMiddleware(c, next) {
    await next()
    c.get('sendStream')?.()
  }
