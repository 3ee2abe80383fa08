// Errors the OpenAI way: {"error": {"message", "type", "param", "code"}} with the status codes
// the SDKs map to their exception classes (BadRequestError, AuthenticationError, NotFoundError,
// RateLimitError, InternalServerError, ...).
import { z } from '@hono/zod-openapi'

export const openAiErrorSchema = z
  .object({
    error: z.object({
      message: z.string(),
      type: z.string(),
      param: z.string().nullable(),
      code: z.string().nullable(),
    }),
  })
  .openapi('OpenAIError')
export type OpenAiError = z.infer<typeof openAiErrorSchema>

const typeByStatus: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  408: 'timeout_error',
  409: 'conflict_error',
  413: 'invalid_request_error',
  415: 'invalid_request_error',
  422: 'invalid_request_error',
  429: 'rate_limit_error',
}

export const openAiError = (
  status: number,
  message: string,
  code: string | null = null,
  param: string | null = null,
): OpenAiError => ({
  error: {
    message,
    type: typeByStatus[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error'),
    param,
    code: code?.toLowerCase() ?? null,
  },
})
