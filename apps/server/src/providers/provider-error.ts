// One error type for every provider failure, with a code the stream's `error` event and the
// fallback logic branch on, whichever SDK raised it.
import type { ProviderId } from '@tokenflow/api'

export type ProviderErrorCode =
  | 'UNAUTHORIZED'
  | 'MODEL_NOT_FOUND'
  | 'RATE_LIMITED'
  | 'PROVIDER_ERROR'
  | 'TIMEOUT'
  | 'STREAM_INTERRUPTED'
  | 'BAD_REQUEST'
  | 'ABORTED'

export class ProviderError extends Error {
  override readonly name = 'ProviderError'

  constructor(
    readonly provider: ProviderId,
    readonly code: ProviderErrorCode,
    message: string,
    readonly options: { status?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause })
  }

  /** Worth trying again later or on another model: the request itself was fine. */
  get retryable(): boolean {
    return ['RATE_LIMITED', 'PROVIDER_ERROR', 'TIMEOUT', 'STREAM_INTERRUPTED'].includes(this.code)
  }

  /** Before the first token these make the next ranked model worth a try. */
  get allowsFallback(): boolean {
    return this.retryable || this.code === 'MODEL_NOT_FOUND' || this.code === 'UNAUTHORIZED'
  }
}

type ApiErrorLike = { status?: unknown; headers?: unknown; message?: unknown; name?: unknown }

const retryAfterMs = (headers: unknown): number | undefined => {
  const value = headers instanceof Headers ? headers.get('retry-after') : undefined
  if (!value) return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now())
}

/**
 * Maps whatever the SDK threw to a ProviderError. Both SDKs share the Stainless error shape
 * (`status`, `headers`, class names), so one mapping covers groq-sdk and openai.
 * `phase` says whether the response had started streaming: a failure then is an interruption.
 */
export const toProviderError = (
  provider: ProviderId,
  error: unknown,
  phase: 'request' | 'stream',
): ProviderError => {
  if (error instanceof ProviderError) return error
  const e = (error ?? {}) as ApiErrorLike
  const name = typeof e.name === 'string' ? e.name : ''
  const message = error instanceof Error ? error.message : String(error)
  const status = typeof e.status === 'number' ? e.status : undefined
  const make = (code: ProviderErrorCode, text: string) =>
    new ProviderError(provider, code, text, {
      status,
      retryAfterMs: retryAfterMs(e.headers),
      cause: error,
    })
  if (name === 'APIUserAbortError' || name === 'AbortError') {
    return make('ABORTED', 'request aborted')
  }
  if (name === 'APIConnectionTimeoutError') return make('TIMEOUT', `${provider} timed out`)
  if (status === 401 || status === 403) {
    return make('UNAUTHORIZED', `${provider} rejected the API key: ${message}`)
  }
  if (status === 404) return make('MODEL_NOT_FOUND', `${provider}: ${message}`)
  if (status === 429) return make('RATE_LIMITED', `${provider} rate limit: ${message}`)
  if (status !== undefined && status >= 500)
    return make('PROVIDER_ERROR', `${provider}: ${message}`)
  if (status !== undefined && status >= 400) return make('BAD_REQUEST', `${provider}: ${message}`)
  if (phase === 'stream') {
    return make('STREAM_INTERRUPTED', `${provider} stream interrupted: ${message}`)
  }
  // No status: the connection failed before any response (refused, reset, DNS).
  return make('PROVIDER_ERROR', `${provider} unreachable: ${message}`)
}
