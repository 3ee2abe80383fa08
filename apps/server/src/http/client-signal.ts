// Aborted when the client goes away before its response finished. Under @hono/node-server it
// listens on the socket's response; reading `c.req.raw.signal` there would build a full web
// Request for every call. One signal per request, however many handlers ask.
import type { Context } from 'hono'
import type { AppEnv } from '../app-env'

export const clientSignal = (c: Context<AppEnv>): AbortSignal => {
  const known = c.get('clientSignal')
  if (known) return known
  const out = c.env?.outgoing
  let signal: AbortSignal
  if (out) {
    const controller = new AbortController()
    out.once('close', () => {
      if (!out.writableFinished) controller.abort()
    })
    signal = controller.signal
  } else {
    signal = c.req.raw.signal
  }
  c.set('clientSignal', signal)
  return signal
}
