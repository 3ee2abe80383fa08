// Optional API-key auth for /trpc and /api: off when no keys are configured (local use).
// Keys come as `Authorization: Bearer <key>` (what @tokenflow/client sends) or `X-API-Key`.
import { createHash, timingSafeEqual } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../app-env'
import { jsonError } from '../rest/json-error'

export type ApiKeyAuthOptions = { keys: string[] }

// Hashing first gives equal-length buffers, so the comparison leaks neither content nor length.
const digest = (value: string) => createHash('sha256').update(value).digest()

export const presentedKey = (headers: Headers): string | null => {
  const authorization = headers.get('authorization')
  const bearer = authorization?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim()
  return bearer || headers.get('x-api-key')?.trim() || null
}

export const apiKeyAuth = ({ keys }: ApiKeyAuthOptions): MiddlewareHandler<AppEnv> => {
  const digests = keys.map(digest)
  return async function apiKeyAuthMiddleware(c, next) {
    if (digests.length === 0 || c.req.method === 'OPTIONS') return next()
    const key = presentedKey(c.req.raw.headers)
    if (!key) {
      c.header('WWW-Authenticate', 'Bearer')
      return jsonError(c, 401, 'UNAUTHORIZED', 'missing API key: send Authorization: Bearer <key>')
    }
    const presented = digest(key)
    if (!digests.some((known) => timingSafeEqual(known, presented))) {
      c.header('WWW-Authenticate', 'Bearer')
      return jsonError(c, 401, 'UNAUTHORIZED', 'invalid API key')
    }
    c.set('apiKeyId', presented.toString('hex').slice(0, 12))
    return next()
  }
}
