// The one error body every non-tRPC response uses: {error: {code, message, issues?}}.
import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'

export type Issue = { path: string; message: string }

export type JsonErrorBody = { error: { code: string; message: string; issues?: Issue[] } }

export const jsonError = (
  c: Context,
  status: ContentfulStatusCode,
  code: string,
  message: string,
  issues?: Issue[],
) =>
  c.json<JsonErrorBody>({ error: { code, message, ...(issues?.length ? { issues } : {}) } }, status)
