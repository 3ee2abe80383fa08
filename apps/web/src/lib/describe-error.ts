// Turns tRPC errors and stream `error` events into words a user understands, keyed on the
// standard tRPC codes (the server maps its own failures onto them).
import { TRPCClientError } from '@trpc/client'
import type { Problem } from './problem'

const TITLES: Record<string, string> = {
  SERVICE_UNAVAILABLE:
    'The ML service is not reachable. Start it (pnpm dev starts everything) or check ML_SERVICE_URL on the server.',
  BAD_REQUEST: 'Some of the input was not accepted.',
  PARSE_ERROR: 'The server could not read the request.',
  PAYLOAD_TOO_LARGE: 'The text is too large for the server. Try a shorter text.',
  UNAUTHORIZED: 'The server needs an API key for this request.',
  FORBIDDEN: 'The server refused this request.',
  NOT_FOUND: 'The server does not know this model or resource.',
  NOT_IMPLEMENTED: 'This server does not support this feature yet.',
  TIMEOUT: 'The request took too long and was stopped. Try again, or try a shorter text.',
  GATEWAY_TIMEOUT: 'A backend took too long to answer. Try again in a moment.',
  TOO_MANY_REQUESTS: 'Too many requests right now (rate limited). Wait a moment and try again.',
  BAD_GATEWAY: 'The model provider returned an error.',
  PRECONDITION_FAILED: 'The server is missing some configuration for this request.',
  CLIENT_CLOSED_REQUEST: 'The request was cancelled.',
  INTERNAL_SERVER_ERROR:
    'Something went wrong on the server. Try again; if it persists, check the server logs.',
  NETWORK:
    'Cannot reach the TokenFlow server. Is it running (pnpm dev), and is the console served through its proxy?',
}

// Stream `error` events may carry provider-style codes; fold the common ones onto tRPC codes.
const ALIASES: Record<string, string> = {
  ml_unavailable: 'SERVICE_UNAVAILABLE',
  ml_service_unavailable: 'SERVICE_UNAVAILABLE',
  service_unavailable: 'SERVICE_UNAVAILABLE',
  unavailable: 'SERVICE_UNAVAILABLE',
  rate_limited: 'TOO_MANY_REQUESTS',
  rate_limit: 'TOO_MANY_REQUESTS',
  timeout: 'TIMEOUT',
  provider_error: 'BAD_GATEWAY',
  upstream_error: 'BAD_GATEWAY',
  bad_request: 'BAD_REQUEST',
  invalid_request: 'BAD_REQUEST',
  not_found: 'NOT_FOUND',
  model_not_found: 'NOT_FOUND',
  unauthorized: 'UNAUTHORIZED',
  internal: 'INTERNAL_SERVER_ERROR',
}

const normalise = (code: string): string => {
  if (TITLES[code]) return code
  const lower = code.toLowerCase()
  return ALIASES[lower] ?? (TITLES[code.toUpperCase()] ? code.toUpperCase() : code)
}

/** A problem from a code and the server's message, e.g. from a stream `error` event. */
export const describeCode = (code: string, message: string): Problem => {
  const known = normalise(code)
  const title = TITLES[known]
  if (!title) return { code, title: message || 'Something went wrong.', detail: null }
  return { code: known, title, detail: message && message !== title ? message : null }
}

/** A problem from anything a tRPC call can throw. */
export const describeError = (error: unknown): Problem => {
  if (error instanceof TRPCClientError) {
    const code: unknown = error.data?.code
    if (typeof code === 'string') return describeCode(code, error.message)
    // No error shape: the request never got an answer from the server.
    return describeCode('NETWORK', error.message)
  }
  if (error instanceof Error) return describeCode('NETWORK', error.message)
  return { code: 'UNKNOWN', title: 'Something went wrong.', detail: String(error) }
}
