// Optional API-key auth for /trpc, /api and /v1: off when no keys are configured (local use).
// Keys come as `Authorization: Bearer <key>` (what @tokenflow/client sends) or `X-API-Key`.
// Wrong keys are counted per client address: past `failureLimit` in a minute the address gets
// 429 before its key is even looked at, so guessing keys costs a minute per few tries.
import { createHash, timingSafeEqual } from 'node:crypto'
import type { Context, MiddlewareHandler } from 'hono'
import type { AppEnv } from '../app-env'
import { jsonError } from '../rest/json-error'
import { createWindowCounter } from './window-counter'

export type ApiKeyAuthOptions = {
  keys: string[]
  /** Wrong keys per client address per minute before it gets 429; 0 turns the limit off. */
  failureLimit?: number
  /** The client address failures are counted under (clientAddress). */
  clientOf?: (c: Context<AppEnv>) => string
  now?: () => number
}

// Hashing first gives equal-length buffers, so the comparison leaks neither content nor length.
const digest = (value: string) => createHash('sha256').update(value).digest()

export const presentedKey = (headers: Headers): string | null => {
  const authorization = headers.get('authorization')
  const bearer = authorization?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim()
  return bearer || headers.get('x-api-key')?.trim() || null
}

export const apiKeyAuth = ({
  keys,
  failureLimit = 0,
  clientOf = () => 'unknown',
  now = Date.now,
}: ApiKeyAuthOptions): MiddlewareHandler<AppEnv> => {
  const digests = keys.map(digest)
  // Only failures are counted, and nothing resets a count but its window's end: a success from
  // one address (or from the same one, behind a shared NAT) does not clear anyone's tries.
  const failures = createWindowCounter({ windowMs: 60_000, now })
  return async function apiKeyAuthMiddleware(c, next) {
    if (digests.length === 0 || c.req.method === 'OPTIONS') return next()
    const client = failureLimit > 0 ? clientOf(c) : ''
    if (failureLimit > 0) {
      const { count, resetS } = failures.peek(client)
      if (count >= failureLimit) {
        c.header('Retry-After', String(resetS))
        return jsonError(
          c,
          429,
          'TOO_MANY_REQUESTS',
          `too many failed API key attempts from this address; retry after ${resetS} s`,
        )
      }
    }
    const key = presentedKey(c.req.raw.headers)
    if (!key) {
      c.header('WWW-Authenticate', 'Bearer')
      return jsonError(c, 401, 'UNAUTHORIZED', 'missing API key: send Authorization: Bearer <key>')
    }
    const presented = digest(key)
    if (!digests.some((known) => timingSafeEqual(known, presented))) {
      if (failureLimit > 0) failures.hit(client)
      c.header('WWW-Authenticate', 'Bearer')
      return jsonError(c, 401, 'UNAUTHORIZED', 'invalid API key')
    }
    c.set('apiKeyId', presented.toString('hex').slice(0, 12))
    return next()
  }
}
