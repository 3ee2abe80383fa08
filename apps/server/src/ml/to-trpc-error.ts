// Maps ML client failures to the tRPC error codes clients branch on; REST derives its HTTP status
// from the same codes, so both surfaces say the same thing.
import { TRPCError } from '@trpc/server'
import { MlHttpError, MlServiceError, MlTimeoutError, MlUnavailableError } from './ml-errors'

export const toTRPCError = (error: unknown): unknown => {
  if (!(error instanceof MlServiceError)) return error
  if (error instanceof MlUnavailableError) {
    return new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: error.message, cause: error })
  }
  if (error instanceof MlTimeoutError) {
    return new TRPCError({ code: 'TIMEOUT', message: error.message, cause: error })
  }
  if (error instanceof MlHttpError) {
    if (error.status === 503 || error.status === 429) {
      const wait = error.retryAfterS ? `; retry after ${error.retryAfterS} s` : ''
      return new TRPCError({
        code: 'TOO_MANY_REQUESTS',
        message: `ML service is busy: ${error.detail}${wait}`,
        cause: error,
      })
    }
    if (error.status === 422 || error.status === 400 || error.status === 413) {
      return new TRPCError({ code: 'BAD_REQUEST', message: error.detail, cause: error })
    }
    if (error.status === 401 || error.status === 403) {
      // Our own misconfiguration (internal token), not the caller's fault.
      return new TRPCError({
        code: 'INTERNAL_SERVER_ERROR',
        message: 'ML service rejected the gateway: check ML_INTERNAL_TOKEN',
        cause: error,
      })
    }
    if (error.status >= 400 && error.status < 500) {
      return new TRPCError({ code: 'BAD_REQUEST', message: error.detail, cause: error })
    }
    return new TRPCError({
      code: 'BAD_GATEWAY',
      message: `ML service failed: ${error.detail}`,
      cause: error,
    })
  }
  return new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: error.message, cause: error })
}

/** Seconds a client should wait before retrying, when the failure carries that information. */
export const retryAfterOf = (error: unknown): number | null => {
  const cause = error instanceof TRPCError ? error.cause : error
  if (cause instanceof MlHttpError && cause.retryAfterS) return cause.retryAfterS
  if (cause instanceof MlUnavailableError && cause.reason === 'circuit-open') return 2
  return null
}
