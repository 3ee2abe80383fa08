// Hono's bodyLimit, without its cost on the common request: it reads `c.req.raw.body` first, which
// makes @hono/node-server build a full web Request (body stream and abort signal) for every call.
// A body that declares its length is judged from the header, and a Node request with neither
// length nor chunked encoding has no body; only the rest go through Hono's counting reader.
import type { Context, MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { AppEnv } from '../app-env'

export type LimitBodyOptions = {
  maxSize: number
  onError: (c: Context<AppEnv>) => Response | Promise<Response>
}

export const limitBody = (options: LimitBodyOptions): MiddlewareHandler<AppEnv> => {
  const counting = bodyLimit({ maxSize: options.maxSize, onError: (c) => options.onError(c) })
  return async function limitBodyMiddleware(c, next) {
    const chunked = c.req.header('transfer-encoding') !== undefined
    const length = c.req.header('content-length')
    if (!chunked && length !== undefined) {
      return Number.parseInt(length, 10) > options.maxSize ? options.onError(c) : next()
    }
    // HTTP/1.1 has no body without one of the two headers; a web Request (tests) may still have one.
    if (!chunked && c.env?.incoming) return next()
    return counting(c, next)
  }
}
