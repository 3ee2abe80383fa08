// Reads a JSON request body and validates it with the contract's zod schema, reporting issues
// with the snake_case field names the REST caller sent.
import type { Context } from 'hono'
import type { z } from 'zod'
import { camelizeBody, camelToSnake } from './case'
import type { Issue } from './json-error'

export class RestInputError extends Error {
  override name = 'RestInputError'
  constructor(
    message: string,
    readonly issues: Issue[] = [],
  ) {
    super(message)
  }
}

export const parseBody = async <S extends z.ZodType>(
  c: Context,
  schema: S,
  renames: Record<string, string> = {},
): Promise<z.infer<S>> => {
  let body: unknown
  try {
    body = await c.req.json()
  } catch {
    throw new RestInputError('request body must be valid JSON')
  }
  const result = schema.safeParse(camelizeBody(body, renames))
  if (result.success) return result.data
  const back = Object.fromEntries(Object.entries(renames).map(([snake, camel]) => [camel, snake]))
  const issues = result.error.issues.map((issue) => ({
    path:
      issue.path
        .map((part) =>
          typeof part === 'string' ? (back[part] ?? camelToSnake(part)) : String(part),
        )
        .join('.') || '(body)',
    message: issue.message,
  }))
  throw new RestInputError(issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues)
}
