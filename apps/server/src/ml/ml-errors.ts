// What can go wrong when the gateway calls the ML service. The server maps these to TRPCError
// codes (see to-trpc-error.ts), so callers never see a raw fetch failure.

export class MlServiceError extends Error {
  override name = 'MlServiceError'
}

/** The ML service answered with a non-2xx status. */
export class MlHttpError extends MlServiceError {
  override name = 'MlHttpError'
  constructor(
    readonly status: number,
    readonly detail: string,
    /** Seconds the service asked us to wait (Retry-After), when it sent one. */
    readonly retryAfterS: number | null = null,
  ) {
    super(`ML service answered ${status}: ${detail}`)
  }
}

/** The ML service did not answer within the per-call timeout. */
export class MlTimeoutError extends MlServiceError {
  override name = 'MlTimeoutError'
  constructor(readonly timeoutMs: number) {
    super(`ML service did not answer within ${timeoutMs} ms`)
  }
}

/** The ML service cannot be reached, or the circuit breaker is open after repeated failures. */
export class MlUnavailableError extends MlServiceError {
  override name = 'MlUnavailableError'
  constructor(
    readonly reason: 'unreachable' | 'circuit-open',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}
