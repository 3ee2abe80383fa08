// The one error body every non-tRPC response uses: {error: {code, message, issues?}}, or under
// /v1 OpenAI's {error: {message, type, param, code}}, so middleware (auth, rate limit, body
// limit) and handlers answer each API in its own dialect.
import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { AppEnv } from '../app-env'
import { openAiError } from '../openai/openai-error'

export type Issue = { path: string; message: string }

export type JsonErrorBody = { error: { code: string; message: string; issues?: Issue[] } }

export const jsonError = (
  c: Context<AppEnv>,
  status: ContentfulStatusCode,
  code: string,
  message: string,
  issues?: Issue[],
) => {
  if (c.get('errorDialect') === 'openai') {
    return c.json(openAiError(status, message, code, issues?.[0]?.path ?? null), status)
  }
  return c.json<JsonErrorBody>(
    { error: { code, message, ...(issues?.length ? { issues } : {}) } },
    status,
  )
}
