// Per-minute limits per caller (its API key when auth is on, else its address), answering 429 with
// Retry-After: requests per minute, and tokens per minute; a virtual key's own requestsPerMinute
// and tokensPerMinute on top of them. The tokens are the request's own, estimated at admission
// from its body size (Content-Length, 4 bytes a token; no declared length counts 0); completion
// tokens are not known at admission and are not counted.
// With shared state the counts live in Redis, so all replicas enforce one limit; while Redis is
// away each replica counts in its own memory (the library's insurance limiter), never failing.
import type { Context, MiddlewareHandler } from 'hono'
import type { Redis } from 'ioredis'
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible'
import type { AppEnv } from '../app-env'
import { jsonError } from '../rest/json-error'

export type MinuteLimiterOptions = {
  /** Points per key per minute. */
  points: number
  /** Where the limiter's keys live in Redis, e.g. `tf:rl:rpm`. */
  keyPrefix: string
  /** The shared Redis (SharedState.redis); null counts in this process only. */
  redis: Redis | null
}

/**
 * A fixed one-minute window of `points` per key, in Redis with an in-memory limiter of the same
 * points as insurance (the library sends every call that Redis fails to it), or in memory.
 */
export const minuteLimiter = ({
  points,
  keyPrefix,
  redis,
}: MinuteLimiterOptions): RateLimiterAbstract => {
  const options = { points, duration: 60, keyPrefix }
  const local = new RateLimiterMemory(options)
  return redis
    ? new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: local })
    : local
}

/** Seconds until the window of a limiter answer ends, at least 1. */
export const secondsLeft = (res: RateLimiterRes) => Math.max(1, Math.ceil(res.msBeforeNext / 1000))

export type RateLimitOptions = {
  /** Requests per client per minute; 0 turns the limit off. */
  perMinute: number
  /** Request tokens (estimated from the body size) per client per minute; 0 turns it off. */
  tokensPerMinute?: number
  /** Who the caller is; the middleware counts per returned key. */
  clientOf: (c: Context<AppEnv>) => string
  /** The shared Redis; null or absent counts in this process only. */
  redis?: Redis | null
}

const BYTES_PER_TOKEN = 4

const estimatedTokens = (c: Context<AppEnv>) => {
  const length = Number(c.req.header('content-length') ?? 0)
  return Number.isFinite(length) && length > 0 ? Math.ceil(length / BYTES_PER_TOKEN) : 0
}

/**
 * The limiter's answer and whether it refused. A refusal is a RateLimiterRes; anything else it
 * rejects with is a bug to surface, not an outage: Redis errors go to the insurance limiter.
 */
const consume = async (limiter: RateLimiterAbstract, key: string, points: number) => {
  try {
    return { refused: false, res: await limiter.consume(key, points) }
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return { refused: true, res: rejection }
    throw rejection
  }
}

export const rateLimit = ({
  perMinute,
  tokensPerMinute = 0,
  clientOf,
  redis = null,
}: RateLimitOptions): MiddlewareHandler<AppEnv> => {
  const requests =
    perMinute > 0 ? minuteLimiter({ points: perMinute, keyPrefix: 'tf:rl:rpm', redis }) : null
  const tokens =
    tokensPerMinute > 0
      ? minuteLimiter({ points: tokensPerMinute, keyPrefix: 'tf:rl:tpm', redis })
      : null
  // A limiter's points are fixed, so virtual keys share one limiter per distinct limit.
  const perKey = new Map<string, RateLimiterAbstract>()
  const keyLimiter = (kind: 'rpm' | 'tpm', points: number) => {
    const keyPrefix = `tf:rl:key-${kind}:${points}`
    let limiter = perKey.get(keyPrefix)
    if (!limiter) {
      limiter = minuteLimiter({ points, keyPrefix, redis })
      perKey.set(keyPrefix, limiter)
    }
    return limiter
  }
  const refuse = (c: Context<AppEnv>, res: RateLimiterRes, limit: string, whose = '') => {
    const resetS = secondsLeft(res)
    c.header('Retry-After', String(resetS))
    return jsonError(
      c,
      429,
      'TOO_MANY_REQUESTS',
      `rate limit of ${limit} per minute${whose} exceeded; retry after ${resetS} s`,
    )
  }
  /** The refusal when the request's tokens do not fit `limit`, else null. */
  const countTokens = async (
    c: Context<AppEnv>,
    limiter: RateLimiterAbstract,
    key: string,
    limit: number,
    whose: string,
  ) => {
    const estimate = estimatedTokens(c)
    // No window would ever admit it: waiting is no advice, a smaller request is.
    if (estimate > limit) {
      return jsonError(
        c,
        429,
        'TOO_MANY_REQUESTS',
        `request of about ${estimate} tokens is over the limit of ${limit} tokens per minute${whose} by itself; send a smaller one`,
      )
    }
    if (estimate === 0) return null
    const { refused, res } = await consume(limiter, key, estimate)
    return refused ? refuse(c, res, `${limit} tokens`, whose) : null
  }
  return async function rateLimitMiddleware(c, next) {
    if (c.req.method === 'OPTIONS') return next()
    const virtual = c.get('virtualKey')
    if (!requests && !tokens && !virtual) return next()
    const caller = clientOf(c)
    if (requests) {
      const { refused, res } = await consume(requests, caller, 1)
      c.header('RateLimit-Limit', String(perMinute))
      c.header('RateLimit-Remaining', String(res.remainingPoints))
      c.header('RateLimit-Reset', String(secondsLeft(res)))
      if (refused) return refuse(c, res, `${perMinute} requests`)
    }
    if (tokens) {
      const refusal = await countTokens(c, tokens, caller, tokensPerMinute, '')
      if (refusal) return refusal
    }
    const keyRequests = virtual?.requestsPerMinute
    if (virtual && keyRequests) {
      const { refused, res } = await consume(keyLimiter('rpm', keyRequests), virtual.id, 1)
      if (refused) return refuse(c, res, `${keyRequests} requests`, ' for this API key')
    }
    const keyTokens = virtual?.tokensPerMinute
    if (virtual && keyTokens) {
      const limiter = keyLimiter('tpm', keyTokens)
      const refusal = await countTokens(c, limiter, virtual.id, keyTokens, ' for this API key')
      if (refusal) return refusal
    }
    return next()
  }
}
