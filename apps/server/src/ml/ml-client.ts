// HTTP client for the Python ML service: per-call timeout, bounded retries with jitter for
// idempotent calls, and a circuit breaker so a dead service fails fast instead of piling up.
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  handleWhen,
  retry,
  TaskCancelledError,
  TimeoutStrategy,
  timeout,
} from 'cockatiel'
import { MlHttpError, MlServiceError, MlTimeoutError, MlUnavailableError } from './ml-errors'

export type BreakerState = 'closed' | 'open' | 'half-open'

export type MlClientOptions = {
  baseUrl: string
  token?: string
  timeoutMs: number
  /** Consecutive failures that open the breaker. */
  breakerThreshold?: number
  /** How long the breaker stays open before one probe call goes through. */
  halfOpenAfterMs?: number
  /** Attempts for idempotent calls, the first included. */
  maxAttempts?: number
  onBreakerStateChange?: (state: BreakerState) => void
}

export type MlCallOptions = {
  signal?: AbortSignal
  requestId?: string
}

const breakerStates: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'open',
}

// Failures that say "the service is in trouble", as opposed to "your request was wrong".
const isServiceFailure = (error: Error) =>
  error instanceof MlUnavailableError ||
  error instanceof MlTimeoutError ||
  (error instanceof MlHttpError && error.status >= 500 && error.status !== 503)

// Retrying is worth it only when the request never reached a healthy service. A 504 is the
// service's own deadline (the X-Request-Timeout-Ms every call sends) passing: retrying would
// repeat the work that just ran out of time.
const isRetryable = (error: Error) =>
  (error instanceof MlUnavailableError && error.reason === 'unreachable') ||
  (error instanceof MlHttpError && error.status === 502)

const detailOf = (body: unknown, fallback: string): string => {
  if (body && typeof body === 'object' && 'detail' in body) {
    const detail = (body as { detail: unknown }).detail
    if (typeof detail === 'string') return detail
    if (Array.isArray(detail)) {
      return detail
        .map((item: { loc?: unknown[]; msg?: string }) =>
          [item.loc?.filter((part) => part !== 'body').join('.'), item.msg]
            .filter(Boolean)
            .join(': '),
        )
        .join('; ')
    }
    return JSON.stringify(detail)
  }
  return fallback
}

const retryAfterOf = (response: Response): number | null => {
  const value = Number(response.headers.get('retry-after'))
  return Number.isFinite(value) && value > 0 ? value : null
}

export const createMlClient = (options: MlClientOptions) => {
  const baseUrl = options.baseUrl.replace(/\/+$/, '')
  const breaker = circuitBreaker(handleWhen(isServiceFailure), {
    halfOpenAfter: options.halfOpenAfterMs ?? 2_000,
    breaker: new ConsecutiveBreaker(options.breakerThreshold ?? 5),
  })
  breaker.onStateChange((state) => options.onBreakerStateChange?.(breakerStates[state]))
  const retries = retry(handleWhen(isRetryable), {
    maxAttempts: (options.maxAttempts ?? 3) - 1,
    backoff: new ExponentialBackoff({ initialDelay: 50, maxDelay: 500 }),
  })
  const perCallTimeout = timeout(options.timeoutMs, TimeoutStrategy.Aggressive)

  const headers = (requestId: string | undefined): Record<string, string> => ({
    'content-type': 'application/json',
    accept: 'application/json',
    ...(requestId ? { 'x-request-id': requestId } : {}),
    ...(options.token ? { 'x-internal-token': options.token } : {}),
    // The service stops the work itself once the gateway would no longer wait for it.
    'x-request-timeout-ms': String(options.timeoutMs),
  })

  const attempt = async (
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    requestId: string | undefined,
    signal: AbortSignal,
  ): Promise<unknown> => {
    let response: Response
    try {
      response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: headers(requestId),
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      })
    } catch (error) {
      if (signal.aborted) throw error
      throw new MlUnavailableError('unreachable', `ML service at ${baseUrl} is unreachable`, {
        cause: error,
      })
    }
    const text = await response.text()
    let parsed: unknown = null
    try {
      parsed = text ? JSON.parse(text) : null
    } catch {
      parsed = null
    }
    if (!response.ok) {
      throw new MlHttpError(
        response.status,
        detailOf(parsed, text.slice(0, 300) || response.statusText),
        retryAfterOf(response),
      )
    }
    return parsed
  }

  /** One call through retry → breaker → timeout; every failure becomes an MlServiceError. */
  const call = async <T>(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    { signal, requestId }: MlCallOptions = {},
    idempotent = true,
  ): Promise<T> => {
    const run = () =>
      breaker.execute(
        () =>
          perCallTimeout.execute(
            (context) => attempt(method, path, body, requestId, context.signal),
            signal,
          ),
        signal,
      )
    try {
      return (await (idempotent ? retries.execute(run, signal) : run())) as T
    } catch (error) {
      if (signal?.aborted) throw signal.reason ?? error
      if (error instanceof MlServiceError) throw error
      if (error instanceof BrokenCircuitError) {
        throw new MlUnavailableError(
          'circuit-open',
          'ML service is unavailable (circuit breaker open after repeated failures); retry shortly',
          { cause: error },
        )
      }
      if (error instanceof TaskCancelledError) throw new MlTimeoutError(options.timeoutMs)
      throw new MlServiceError(`ML service call failed: ${String(error)}`, { cause: error })
    }
  }

  /** Health probes bypass the breaker: they must see the real state, and must not trip it. */
  const probe = async (path: string, timeoutMs = 2_000) => {
    const started = performance.now()
    try {
      const response = await fetch(`${baseUrl}${path}`, {
        headers: headers(undefined),
        signal: AbortSignal.timeout(timeoutMs),
      })
      const body = await response.text()
      return {
        ok: response.ok,
        status: response.status,
        body,
        latencyMs: performance.now() - started,
      }
    } catch (error) {
      const detail =
        error instanceof Error && error.name === 'TimeoutError' ? 'timed out' : 'unreachable'
      return { ok: false, status: 0, body: detail, latencyMs: performance.now() - started }
    }
  }

  return {
    baseUrl,
    probe,
    post: <T>(path: string, body: unknown, callOptions?: MlCallOptions) =>
      call<T>('POST', path, body, callOptions),
    get: <T>(path: string, callOptions?: MlCallOptions) =>
      call<T>('GET', path, undefined, callOptions),
    breakerState: (): BreakerState => breakerStates[breaker.state],
  }
}

export type MlClient = ReturnType<typeof createMlClient>
