// The seed's REST API speaks snake_case; the contract is camelCase. These convert keys at the
// boundary so REST can reuse the contract's zod schemas unchanged.

export const snakeToCamel = (key: string) =>
  key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())

export const camelToSnake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** Renames the top-level keys of a request body; `renames` overrides the mechanical rule. */
export const camelizeBody = (body: unknown, renames: Record<string, string> = {}): unknown => {
  if (!isPlainObject(body)) return body
  return Object.fromEntries(
    Object.entries(body).map(([key, value]) => [renames[key] ?? snakeToCamel(key), value]),
  )
}

// Response keys come from our own schemas, a few dozen names, so their snake_case form is worth
// remembering: every stream's metadata and end events are renamed. The cap keeps an unexpected
// key source from growing it without bound.
const snakeKeys = new Map<string, string>()
const snakeKey = (key: string) => {
  let snake = snakeKeys.get(key)
  if (snake === undefined) {
    snake = camelToSnake(key)
    if (snakeKeys.size < 1_000) snakeKeys.set(key, snake)
  }
  return snake
}

/** Deeply renames object keys to snake_case, for response bodies and stream events. */
export const snakeize = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(snakeize)
  if (!isPlainObject(value)) return value
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [snakeKey(key), snakeize(item)]),
  )
}
