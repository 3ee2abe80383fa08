// Fixed-window rate limit per API key (when auth is on) or per client address, answering 429 with
// Retry-After. In memory: the gateway is one process; a fleet would need a shared store.
import type { Context, MiddlewareHandler } from 'hono'
import type { AppEnv } from '../app-env'
import { jsonError } from '../rest/json-error'

export type RateLimitOptions = {
  /** Requests per client per minute; 0 turns the limit off. */
  perMinute: number
  /** Who the caller is; the middleware counts per returned key. */
  clientOf: (c: Context<AppEnv>) => string
  now?: () => number
}

const windowMs = 60_000

export const rateLimit = ({
  perMinute,
  clientOf,
  now = Date.now,
}: RateLimitOptions): MiddlewareHandler<AppEnv> => {
  let windowStart = 0
  let counts = new Map<string, number>()
  return async function rateLimitMiddleware(c, next) {
    if (perMinute <= 0 || c.req.method === 'OPTIONS') return next()
    const time = now()
    if (time - windowStart >= windowMs) {
      // A new window forgets every client, so the map never grows past one minute of callers.
      windowStart = time - (time % windowMs)
      counts = new Map()
    }
    const client = clientOf(c)
    const used = (counts.get(client) ?? 0) + 1
    counts.set(client, used)
    const resetS = Math.max(1, Math.ceil((windowStart + windowMs - time) / 1000))
    c.header('RateLimit-Limit', String(perMinute))
    c.header('RateLimit-Remaining', String(Math.max(0, perMinute - used)))
    c.header('RateLimit-Reset', String(resetS))
    if (used > perMinute) {
      c.header('Retry-After', String(resetS))
      return jsonError(
        c,
        429,
        'TOO_MANY_REQUESTS',
        `rate limit of ${perMinute} requests per minute exceeded; retry after ${resetS} s`,
      )
    }
    return next()
  }
}
