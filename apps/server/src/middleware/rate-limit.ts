// Fixed-window rate limit per API key (when auth is on) or per client address, answering 429 with
// Retry-After. In memory: the gateway is one process; a fleet would need a shared store.
import type { Context, MiddlewareHandler } from 'hono'
import type { AppEnv } from '../app-env'
import { jsonError } from '../rest/json-error'
import { createWindowCounter } from './window-counter'

export type RateLimitOptions = {
  /** Requests per client per minute; 0 turns the limit off. */
  perMinute: number
  /** Who the caller is; the middleware counts per returned key. */
  clientOf: (c: Context<AppEnv>) => string
  now?: () => number
}

export const rateLimit = ({
  perMinute,
  clientOf,
  now = Date.now,
}: RateLimitOptions): MiddlewareHandler<AppEnv> => {
  const counter = createWindowCounter({ windowMs: 60_000, now })
  return async function rateLimitMiddleware(c, next) {
    if (perMinute <= 0 || c.req.method === 'OPTIONS') return next()
    const { count, resetS } = counter.hit(clientOf(c))
    c.header('RateLimit-Limit', String(perMinute))
    c.header('RateLimit-Remaining', String(Math.max(0, perMinute - count)))
    c.header('RateLimit-Reset', String(resetS))
    if (count > perMinute) {
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
