// The ML client's resilience: timeouts, retries, breakers, error mapping, and the balancing over
// replicas. The happy path runs against the real ML service in test/gateway.test.ts (two of them
// in test/ml-replicas.test.ts); here bare HTTP servers play the failure modes the real service
// cannot be made to show on demand (hang, busy, 5xx, a dropped connection).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { freePort } from '../../test/free-port'
import { createMlClient } from './ml-client'
import { MlHttpError, MlTimeoutError, MlUnavailableError } from './ml-errors'
import { toTRPCError } from './to-trpc-error'

type Handler = (req: IncomingMessage, res: ServerResponse) => void

const servers: Server[] = []

const listen = async (handler: Handler, port?: number) => {
  const chosen = port ?? (await freePort())
  const server = createServer(handler)
  servers.push(server)
  await new Promise<void>((done) => server.listen(chosen, '127.0.0.1', done))
  return { url: `http://127.0.0.1:${chosen}`, port: chosen }
}

const close = async () => {
  for (const running of servers.splice(0)) {
    running.closeAllConnections()
    await new Promise<void>((done) => running.close(() => done()))
  }
}

afterEach(close)

const json = (res: ServerResponse, status: number, body: unknown, headers = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(JSON.stringify(body))
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms))

/**
 * A stand-in replica that counts the calls it gets: it answers `{ from: name }`, or, while
 * `state.dead`, drops the connection (what the client sees of a killed process); while
 * `state.notReady`, its /ready answers 503.
 */
const replica = async (name: string, delayMs = 0) => {
  const state = { dead: false, notReady: false, calls: 0 }
  const { url } = await listen((req, res) => {
    if (req.url === '/ready') return json(res, state.notReady ? 503 : 200, { ready: true })
    state.calls += 1
    if (state.dead) return req.socket.destroy()
    setTimeout(() => json(res, 200, { from: name }), delayMs)
  })
  return { url, state }
}

describe('createMlClient', () => {
  it('sends the request id and internal token, and returns the JSON body', async () => {
    const seen: Record<string, string | undefined> = {}
    const { url } = await listen((req, res) => {
      seen.requestId = req.headers['x-request-id'] as string
      seen.token = req.headers['x-internal-token'] as string
      json(res, 200, { ok: true })
    })
    const ml = createMlClient({ baseUrl: url, token: 'internal-secret', timeoutMs: 1_000 })
    await expect(ml.post('/compress', { text: 'x' }, { requestId: 'req-1' })).resolves.toEqual({
      ok: true,
    })
    expect(seen).toEqual({ requestId: 'req-1', token: 'internal-secret' })
  })

  it('turns a 422 into an MlHttpError carrying the field and a BAD_REQUEST', async () => {
    const { url } = await listen((_req, res) =>
      json(res, 422, {
        detail: [{ loc: ['body', 'ratio'], msg: 'Input should be less than 1', type: 'x' }],
      }),
    )
    const ml = createMlClient({ baseUrl: url, timeoutMs: 1_000 })
    const error = await ml.post('/compress', {}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MlHttpError)
    expect((error as MlHttpError).detail).toBe('ratio: Input should be less than 1')
    expect(toTRPCError(error)).toMatchObject({ code: 'BAD_REQUEST' })
  })

  it('maps a busy 503 with Retry-After to TOO_MANY_REQUESTS and does not open the breaker', async () => {
    const { url } = await listen((_req, res) =>
      json(res, 503, { detail: 'compression queue is full' }, { 'retry-after': '3' }),
    )
    const ml = createMlClient({ baseUrl: url, timeoutMs: 1_000, breakerThreshold: 2 })
    for (let i = 0; i < 4; i++) {
      const error = await ml.post('/compress', {}).catch((e: unknown) => e)
      expect(error).toMatchObject({ status: 503, retryAfterS: 3 })
      expect(toTRPCError(error)).toMatchObject({ code: 'TOO_MANY_REQUESTS' })
    }
    expect(ml.breakerState()).toBe('closed')
  })

  it('gives up on a hanging service after its timeout with TIMEOUT', async () => {
    const { url } = await listen(() => {
      // never answers
    })
    const ml = createMlClient({ baseUrl: url, timeoutMs: 300 })
    const started = performance.now()
    const error = await ml.post('/classify', {}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MlTimeoutError)
    expect(performance.now() - started).toBeLessThan(1_500)
    expect(toTRPCError(error)).toMatchObject({ code: 'TIMEOUT' })
  })

  it('retries a connection failure and succeeds when the service comes up in between', async () => {
    const port = await freePort()
    const ml = createMlClient({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 1_000 })
    setTimeout(() => void listen((_req, res) => json(res, 200, { late: true }), port), 20)
    // The first attempt is refused; a retry with backoff reaches the service.
    await expect(ml.post('/compress', {})).resolves.toEqual({ late: true })
  })

  it('opens the breaker after repeated failures, fails fast naming the ML service, then recovers', async () => {
    const port = await freePort()
    const ml = createMlClient({
      baseUrl: `http://127.0.0.1:${port}`,
      timeoutMs: 1_000,
      breakerThreshold: 3,
      halfOpenAfterMs: 200,
      maxAttempts: 1,
    })
    for (let i = 0; i < 3; i++) {
      await expect(ml.post('/compress', {})).rejects.toMatchObject({ reason: 'unreachable' })
    }
    expect(ml.breakerState()).toBe('open')
    const error = await ml.post('/compress', {}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MlUnavailableError)
    expect((error as MlUnavailableError).reason).toBe('circuit-open')
    const mapped = toTRPCError(error)
    expect(mapped).toMatchObject({ code: 'SERVICE_UNAVAILABLE' })
    expect((mapped as Error).message).toMatch(/ML service/)

    await listen((_req, res) => json(res, 200, { back: true }), port)
    await new Promise((done) => setTimeout(done, 250))
    await expect(ml.post('/compress', {})).resolves.toEqual({ back: true })
    expect(ml.breakerState()).toBe('closed')
  })

  it('stops at once when the caller aborts', async () => {
    const { url } = await listen(() => {})
    const ml = createMlClient({ baseUrl: url, timeoutMs: 10_000 })
    const controller = new AbortController()
    setTimeout(() => controller.abort(new Error('client went away')), 50)
    await expect(ml.post('/compress', {}, { signal: controller.signal })).rejects.toThrow(
      'client went away',
    )
  })

  it('probes around the breaker', async () => {
    const port = await freePort()
    const ml = createMlClient({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 500 })
    await expect(ml.probe('/ready')).resolves.toMatchObject({ ok: false, body: 'unreachable' })
    await listen((_req, res) => json(res, 200, { status: 'ready' }), port)
    await expect(ml.probe('/ready')).resolves.toMatchObject({ ok: true, status: 200 })
  })
})

describe('createMlClient over several replicas', () => {
  const clientOf = (urls: string[], patch: Partial<Parameters<typeof createMlClient>[0]> = {}) =>
    createMlClient({ baseUrl: urls, timeoutMs: 1_000, ...patch })

  it('takes turns while none is busier, and names its replicas; baseUrl is the first', async () => {
    const a = await replica('a')
    const b = await replica('b')
    const ml = clientOf([`${a.url}/`, b.url])
    const answers = []
    for (let i = 0; i < 6; i++) answers.push(await ml.post<{ from: string }>('/compress', {}))
    expect(answers.map((answer) => answer.from)).toEqual(['a', 'b', 'a', 'b', 'a', 'b'])
    expect(ml.baseUrl).toBe(a.url)
    expect(ml.replicas()).toEqual([
      { url: a.url, breaker: 'closed', outstanding: 0, ready: null },
      { url: b.url, breaker: 'closed', outstanding: 0, ready: null },
    ])
  })

  it('sends each call to the replica with the fewest calls in flight', async () => {
    const slow = await replica('slow', 400)
    const fast = await replica('fast')
    const ml = clientOf([slow.url, fast.url])
    const pending = ml.post('/compress', {})
    await sleep(20)
    expect(ml.replicas().map((r) => r.outstanding)).toEqual([1, 0])
    for (let i = 0; i < 4; i++) {
      await expect(ml.post('/compress', {})).resolves.toEqual({ from: 'fast' })
    }
    await expect(pending).resolves.toEqual({ from: 'slow' })
    expect([slow.state.calls, fast.state.calls]).toEqual([1, 4])
  })

  it('retries a call its replica dropped on another, so a killed replica costs no error', async () => {
    const a = await replica('a')
    const b = await replica('b')
    const changes: string[] = []
    const ml = clientOf([a.url, b.url], {
      breakerThreshold: 2,
      halfOpenAfterMs: 300,
      onBreakerStateChange: (state, url) => changes.push(`${url === a.url ? 'a' : 'b'} ${state}`),
    })
    a.state.dead = true
    for (let i = 0; i < 10; i++) {
      await expect(ml.post('/compress', {})).resolves.toEqual({ from: 'b' })
    }
    // Two dropped calls open a's breaker; after that nothing is sent to it.
    expect(a.state.calls).toBe(2)
    expect(ml.breakerState(a.url)).toBe('open')
    expect(ml.breakerState()).toBe('closed')
    expect(changes).toEqual(['a open'])

    // Back and probed ready: once its breaker is due, a's test call closes it and it takes turns.
    a.state.dead = false
    await expect(ml.probe('/ready', 500, a.url)).resolves.toMatchObject({ url: a.url, ok: true })
    await sleep(350)
    const froms = []
    for (let i = 0; i < 4; i++) froms.push((await ml.post<{ from: string }>('/compress', {})).from)
    expect(froms.filter((from) => from === 'a')).toHaveLength(2)
    expect(ml.breakerState(a.url)).toBe('closed')
    expect(changes).toEqual(['a open', 'a half-open', 'a closed'])
  })

  it('leaves a replica whose probe failed alone while another is healthy', async () => {
    const a = await replica('a')
    const b = await replica('b')
    const ml = clientOf([a.url, b.url])
    a.state.notReady = true
    await expect(ml.probe('/ready', 500, a.url)).resolves.toMatchObject({ ok: false, status: 503 })
    await expect(ml.probe('/ready', 500, b.url)).resolves.toMatchObject({ ok: true })
    for (let i = 0; i < 4; i++) await ml.post('/compress', {})
    expect([a.state.calls, b.state.calls]).toEqual([0, 4])
    expect(ml.replicas().map((r) => r.ready)).toEqual([false, true])

    // With no healthy one left, a replica that failed its probe is still tried.
    b.state.notReady = true
    await ml.probe('/ready', 500, b.url)
    await expect(ml.post('/compress', {})).resolves.toMatchObject({ from: 'a' })
  })

  it('fails as one replica does when all are down: unreachable, then circuit-open', async () => {
    const a = await replica('a')
    const b = await replica('b')
    a.state.dead = true
    b.state.dead = true
    const ml = clientOf([a.url, b.url], { breakerThreshold: 2, maxAttempts: 2 })
    await expect(ml.post('/compress', {})).rejects.toMatchObject({ reason: 'unreachable' })
    await expect(ml.post('/compress', {})).rejects.toMatchObject({ reason: 'unreachable' })
    expect(ml.breakerState()).toBe('open')
    const error = await ml.post('/compress', {}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MlUnavailableError)
    expect((error as MlUnavailableError).reason).toBe('circuit-open')
    expect(a.state.calls + b.state.calls).toBe(4)
  })

  it('refuses to probe or report a URL that is not one of its replicas', async () => {
    const ml = clientOf(['http://127.0.0.1:1', 'http://127.0.0.1:2'])
    expect(() => ml.breakerState('http://127.0.0.1:3')).toThrow(/not one of the ML client/)
    await expect(ml.probe('/ready', 100, 'http://127.0.0.1:3')).rejects.toThrow(/not one/)
  })
})
