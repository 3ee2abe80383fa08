// Disconnects clients that stop reading. A response with bytes waiting for the socket that did not
// shrink for `stallMs` (the kernel took nothing: the client reads nothing) is destroyed: its
// streams detach and stay resumable for the resume window, and the gateway holds no more than the
// socket's and the stream's bounded buffers for it meanwhile. One timer checks every guarded
// response, so a request costs a Map entry.
import type { ServerResponse } from 'node:http'
import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../app-env'

type Guarded = { blockedSince: number | null; pending: number }

export const stallGuard = ({ stallMs }: { stallMs: number }): MiddlewareHandler<AppEnv> => {
  const guarded = new Map<ServerResponse, Guarded>()
  let timer: NodeJS.Timeout | undefined
  const check = () => {
    const now = performance.now()
    for (const [out, state] of guarded) {
      const pending = out.writableLength
      // New frames only add to what is pending; a completed write is the only way it shrinks.
      const moved = pending === 0 || pending < state.pending
      state.pending = pending
      if (moved) {
        state.blockedSince = null
        continue
      }
      state.blockedSince ??= now
      if (now - state.blockedSince >= stallMs) out.destroy()
    }
    if (guarded.size === 0) {
      clearInterval(timer)
      timer = undefined
    }
  }
  const every = Math.max(10, Math.min(1_000, Math.floor(stallMs / 4)))
  return async function stallGuardMiddleware(c, next) {
    const out = c.env?.outgoing
    if (out && stallMs > 0) {
      guarded.set(out, { blockedSince: null, pending: 0 })
      out.once('close', () => guarded.delete(out))
      timer ??= setInterval(check, every).unref()
    }
    await next()
  }
}
