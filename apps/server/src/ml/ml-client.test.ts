// The ML client's resilience: timeouts, retries, breaker, error mapping. The happy path runs
// against the real ML service in test/gateway.integration.test.ts; here a bare HTTP server plays
// the failure modes the real service cannot be made to show on demand (hang, busy, 5xx).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { freePort } from '../../test/free-port'
import { createMlClient } from './ml-client'
import { MlHttpError, MlTimeoutError, MlUnavailableError } from './ml-errors'
import { toTRPCError } from './to-trpc-error'

type Handler = (req: IncomingMessage, res: ServerResponse) => void

let server: Server | undefined

const listen = async (handler: Handler, port?: number) => {
  const chosen = port ?? (await freePort())
  server = createServer(handler)
  await new Promise<void>((done) => server?.listen(chosen, '127.0.0.1', done))
  return { url: `http://127.0.0.1:${chosen}`, port: chosen }
}

const close = async () => {
  const running = server
  server = undefined
  if (!running) return
  running.closeAllConnections()
  await new Promise<void>((done) => running.close(() => done()))
}

afterEach(close)

const json = (res: ServerResponse, status: number, body: unknown, headers = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(JSON.stringify(body))
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
