// HTTP client for the Python ML service, balanced over its replicas: each call goes to a healthy
// replica with the fewest calls in flight, through a per-call timeout and that replica's circuit
// breaker, so a dead replica fails fast; idempotent calls retry with jitter, on another replica.
import {
  BrokenCircuitError,
  type CircuitBreakerPolicy,
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
  /** The service's URL, or one per replica. */
  baseUrl: string | readonly string[]
  token?: string
  timeoutMs: number
  /** Consecutive failures that open a replica's breaker. */
  breakerThreshold?: number
  /** How long a breaker stays open before one probe call goes through. */
  halfOpenAfterMs?: number
  /** Attempts for idempotent calls, the first included. */
  maxAttempts?: number
  onBreakerStateChange?: (state: BreakerState, url: string) => void
}

export type MlReplica = {
  url: string
  breaker: BreakerState
  /** Calls sent to it that have not answered yet. */
  outstanding: number
  /** Whether its latest readiness probe passed; null before the first. */
  ready: boolean | null
}

export type MlProbeAnswer = {
  url: string
  ok: boolean
  /** 0 when no answer came (the body then says why: unreachable, timed out). */
  status: number
  body: string
  latencyMs: number
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

type Replica = {
  url: string
  breaker: CircuitBreakerPolicy
  /** When its breaker last opened (Date.now()): after halfOpenAfter it lets a test call through. */
  openedAt: number
  outstanding: number
  ready: boolean | null
}

// The whole client's breaker, best replica first: it fails fast only when every replica does.
const overallState = (states: BreakerState[]): BreakerState =>
  states.includes('closed') ? 'closed' : states.includes('half-open') ? 'half-open' : 'open'

export const createMlClient = (options: MlClientOptions) => {
  const urls: readonly string[] = (
    typeof options.baseUrl === 'string' ? [options.baseUrl] : options.baseUrl
  ).map((url) => url.replace(/\/+$/, ''))
  const halfOpenAfter = options.halfOpenAfterMs ?? 2_000
  const replicas: Replica[] = urls.map((url) => {
    const breaker = circuitBreaker(handleWhen(isServiceFailure), {
      halfOpenAfter,
      breaker: new ConsecutiveBreaker(options.breakerThreshold ?? 5),
    })
    const replica: Replica = { url, breaker, openedAt: 0, outstanding: 0, ready: null }
    breaker.onBreak(() => {
      replica.openedAt = Date.now()
    })
    breaker.onStateChange((state) => options.onBreakerStateChange?.(breakerStates[state], url))
    return replica
  })
  const [first] = replicas
  if (!first) throw new Error('the ML client needs at least one ML service URL')
  const retries = retry(handleWhen(isRetryable), {
    maxAttempts: (options.maxAttempts ?? 3) - 1,
    backoff: new ExponentialBackoff({ initialDelay: 50, maxDelay: 500 }),
  })
  const perCallTimeout = timeout(options.timeoutMs, TimeoutStrategy.Aggressive)

  const replicaAt = (url: string): Replica => {
    const found = replicas.find((replica) => replica.url === url.replace(/\/+$/, ''))
    if (!found) throw new Error(`${url} is not one of the ML client's replicas`)
    return found
  }

  // Lower goes first. A replica this call has not tried yet, whose probe passed and whose
  // breaker is closed (or due for its test call) is healthy; one that failed its probe or this
  // call, or whose breaker is testing (calls wait for the test), only when nothing better is left;
  // an open breaker not yet due last, where it fails fast with BrokenCircuitError.
  const rank = (replica: Replica, tried: ReadonlySet<Replica>) => {
    const state = replica.breaker.state
    if (state === CircuitState.Open && Date.now() - replica.openedAt < halfOpenAfter) return 4
    return (
      (tried.has(replica) ? 2 : 0) +
      (state === CircuitState.HalfOpen || replica.ready === false ? 1 : 0)
    )
  }

  // Ties in rank and load go round robin, starting after the replica chosen last.
  let turn = 0
  const byPreference = (tried: ReadonlySet<Replica>): Replica[] =>
    replicas
      .map((replica, index) => ({
        replica,
        rank: rank(replica, tried),
        distance: (index - turn + replicas.length) % replicas.length,
      }))
      .sort(
        (a, b) =>
          a.rank - b.rank ||
          a.replica.outstanding - b.replica.outstanding ||
          a.distance - b.distance,
      )
      .map(({ replica }) => replica)

  const headers = (requestId: string | undefined): Record<string, string> => ({
    'content-type': 'application/json',
    accept: 'application/json',
    ...(requestId ? { 'x-request-id': requestId } : {}),
    ...(options.token ? { 'x-internal-token': options.token } : {}),
    // The service stops the work itself once the gateway would no longer wait for it.
    'x-request-timeout-ms': String(options.timeoutMs),
  })

  const attempt = async (
    url: string,
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    requestId: string | undefined,
    signal: AbortSignal,
  ): Promise<unknown> => {
    let response: Response
    try {
      response = await fetch(`${url}${path}`, {
        method,
        headers: headers(requestId),
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      })
    } catch (error) {
      if (signal.aborted) throw error
      throw new MlUnavailableError('unreachable', `ML service at ${url} is unreachable`, {
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

  /**
   * One call through retry → (replica choice → breaker → timeout); every failure becomes an
   * MlServiceError. A retry prefers a replica this call has not tried; a replica whose breaker
   * refuses passes the attempt on to the next one.
   */
  const call = async <T>(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    { signal, requestId }: MlCallOptions = {},
    idempotent = true,
  ): Promise<T> => {
    const tried = new Set<Replica>()
    const run = async () => {
      let refused: unknown
      for (const replica of byPreference(tried)) {
        tried.add(replica)
        turn = (replicas.indexOf(replica) + 1) % replicas.length
        replica.outstanding += 1
        try {
          return await replica.breaker.execute(
            () =>
              perCallTimeout.execute(
                (context) => attempt(replica.url, method, path, body, requestId, context.signal),
                signal,
              ),
            signal,
          )
        } catch (error) {
          if (!(error instanceof BrokenCircuitError)) throw error
          refused = error
        } finally {
          replica.outstanding -= 1
        }
      }
      throw refused
    }
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

  /**
   * Probes one replica (the first by default) around its breaker: it must see the real state,
   * and must not trip it. The answer is what the replica choice takes as its health.
   */
  const probe = async (
    path: string,
    timeoutMs = 2_000,
    url = first.url,
  ): Promise<MlProbeAnswer> => {
    const replica = replicaAt(url)
    const started = performance.now()
    const answer = { url: replica.url, ok: false, status: 0, body: 'unreachable' }
    try {
      const response = await fetch(`${replica.url}${path}`, {
        headers: headers(undefined),
        signal: AbortSignal.timeout(timeoutMs),
      })
      answer.body = await response.text()
      answer.ok = response.ok
      answer.status = response.status
    } catch (error) {
      if (error instanceof Error && error.name === 'TimeoutError') answer.body = 'timed out'
    }
    replica.ready = answer.ok
    return { ...answer, latencyMs: performance.now() - started }
  }

  return {
    /** The first replica's URL, for what needs one (the local model's base URL). */
    baseUrl: first.url,
    urls,
    probe,
    post: <T>(path: string, body: unknown, callOptions?: MlCallOptions) =>
      call<T>('POST', path, body, callOptions),
    get: <T>(path: string, callOptions?: MlCallOptions) =>
      call<T>('GET', path, undefined, callOptions),
    /** One replica's breaker, or without a URL the client's: open only when every one is. */
    breakerState: (url?: string): BreakerState =>
      url === undefined
        ? overallState(replicas.map((replica) => breakerStates[replica.breaker.state]))
        : breakerStates[replicaAt(url).breaker.state],
    replicas: (): MlReplica[] =>
      replicas.map(({ url, breaker, outstanding, ready }) => ({
        url,
        breaker: breakerStates[breaker.state],
        outstanding,
        ready,
      })),
  }
}

export type MlClient = ReturnType<typeof createMlClient>
