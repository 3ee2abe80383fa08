// API-key auth for /trpc, /api and /v1. Keys come as `Authorization: Bearer <key>` (what
// @tokenflow/client sends) or `X-API-Key`: a static key (TOKENFLOW_API_KEYS, an admin) or a
// virtual key from the database (keys.create; held to its limits, budget and models).
// Auth is off when no static key is configured (local use): every request is admitted as an
// admin, except that one presenting a virtual key is that key's, so its limits and budget hold
// for the clients that send it (any other key, as OpenAI SDKs send a placeholder, is ignored).
// Wrong keys are counted per client address: past `failureLimit` in a minute the address gets
// 429 before its key is even looked at, so guessing keys costs a minute per few tries. The counts
// are shared like the rate limit's: in Redis across replicas when there is one, else in memory.
import { createHash, timingSafeEqual } from 'node:crypto'
import type { Context, MiddlewareHandler } from 'hono'
import type { Redis } from 'ioredis'
import type { AppEnv } from '../app-env'
import { jsonError } from '../rest/json-error'
import { SECRET_PREFIX } from '../store/key-store'
import type { KeyStore, VirtualKey } from '../store/store'
import { minuteLimiter, secondsLeft } from './rate-limit'

export type ApiKeyAuthOptions = {
  /** The static keys (admins); none turns auth off. */
  keys: string[]
  /** Where virtual keys are checked (Store.keys). */
  virtualKeys: Pick<KeyStore, 'verify'>
  /** Wrong keys per client address per minute before it gets 429; 0 turns the limit off. */
  failureLimit?: number
  /** The client address failures are counted under (clientAddress). */
  clientOf?: (c: Context<AppEnv>) => string
  /** The shared Redis; null or absent counts in this process only. */
  redis?: Redis | null
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
  virtualKeys,
  failureLimit = 0,
  clientOf = () => 'unknown',
  redis = null,
}: ApiKeyAuthOptions): MiddlewareHandler<AppEnv> => {
  const digests = keys.map(digest)
  // Only failures are counted, and nothing resets a count but its window's end: a success from
  // one address (or from the same one, behind a shared NAT) does not clear anyone's tries.
  const failures =
    failureLimit > 0
      ? minuteLimiter({ points: failureLimit, keyPrefix: 'tf:rl:auth', redis })
      : null
  const identify = (c: Context<AppEnv>, key: VirtualKey) => {
    c.set('apiKeyId', key.id)
    c.set('virtualKey', key)
  }
  return async function apiKeyAuthMiddleware(c, next) {
    if (c.req.method === 'OPTIONS') return next()
    const key = presentedKey(c.req.raw.headers)
    if (digests.length === 0) {
      // Auth off: a database that cannot answer leaves the request anonymous, as without a key;
      // but a virtual key's secret it knows to be revoked (or wrong) is refused, so revoking a
      // key with a budget never turns its requests into unlimited anonymous ones.
      if (!key?.startsWith(SECRET_PREFIX)) return next()
      let virtual: VirtualKey | null
      try {
        virtual = await virtualKeys.verify(key)
      } catch {
        return next()
      }
      if (!virtual) {
        c.header('WWW-Authenticate', 'Bearer')
        return jsonError(c, 401, 'UNAUTHORIZED', 'invalid or revoked API key')
      }
      identify(c, virtual)
      return next()
    }
    const client = failures ? clientOf(c) : ''
    if (failures) {
      const counted = await failures.get(client)
      if (counted && counted.consumedPoints >= failureLimit) {
        const resetS = secondsLeft(counted)
        c.header('Retry-After', String(resetS))
        return jsonError(
          c,
          429,
          'TOO_MANY_REQUESTS',
          `too many failed API key attempts from this address; retry after ${resetS} s`,
        )
      }
    }
    if (!key) {
      c.header('WWW-Authenticate', 'Bearer')
      return jsonError(c, 401, 'UNAUTHORIZED', 'missing API key: send Authorization: Bearer <key>')
    }
    const presented = digest(key)
    if (digests.some((known) => timingSafeEqual(known, presented))) {
      c.set('apiKeyId', presented.toString('hex').slice(0, 12))
      return next()
    }
    let virtual: VirtualKey | null
    try {
      virtual = await virtualKeys.verify(key)
    } catch {
      return jsonError(
        c,
        503,
        'SERVICE_UNAVAILABLE',
        'the API key cannot be checked now: the database is unavailable',
      )
    }
    if (!virtual) {
      await failures?.penalty(client)
      c.header('WWW-Authenticate', 'Bearer')
      return jsonError(c, 401, 'UNAUTHORIZED', 'invalid API key')
    }
    identify(c, virtual)
    return next()
  }
}
