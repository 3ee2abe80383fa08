// The result cache's key: a SHA-256 of a canonical JSON of the operation and the ML request body.
// The body is exactly what the answer depends on (text, every option, the categories with their
// descriptions and examples), so a changed option or catalog is a different key by construction.
import { createHash } from 'node:crypto'

/** Bump when what is stored under a key changes shape, so two gateway versions never share it. */
const FORMAT = 1

/** JSON with object keys sorted at every depth: equal requests give equal text, however built. */
export const canonicalJson = (value: unknown): string =>
  JSON.stringify(value, (_key, member: unknown) =>
    member && typeof member === 'object' && !Array.isArray(member)
      ? Object.fromEntries(Object.entries(member).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : member,
  )

/** `tf:cache:<operation>:<sha256>`, the same in process and in Redis. */
export const cacheKey = (operation: string, request: unknown): string => {
  const digest = createHash('sha256')
    .update(canonicalJson({ format: FORMAT, operation, request }))
    .digest('hex')
  return `tf:cache:${operation}:${digest}`
}
