// The Hono layer through app.request(): routing, validation, error bodies, limits, auth, CORS.
// Services are the real ones, pointed at an ML service port where nothing listens, or at a bare
// HTTP stand-in that records what the gateway sends it.
import { createServer } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../test/build-app'
import { freePort } from '../test/free-port'
import { readJson } from '../test/read-json'

let deadMl = ''
beforeAll(async () => {
  deadMl = `http://127.0.0.1:${await freePort()}`
})

const post = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: typeof body === 'string' ? body : JSON.stringify(body),
})

describe('health and metrics', () => {
  it('answers liveness without touching dependencies', async () => {
    const { app } = await buildApp({ ML_SERVICE_URL: deadMl })
    const response = await app.request('/healthz')
    expect(response.status).toBe(200)
    expect(await readJson(response)).toEqual({ status: 'ok' })
  })

  it('reports not ready (503) with the ML service down, naming it', async () => {
    const { app } = await buildApp({ ML_SERVICE_URL: deadMl })
    const response = await app.request('/readyz')
    expect(response.status).toBe(503)
    const body = await readJson(response)
    expect(body.status).toBe('down')
    expect(body.dependencies[0]).toMatchObject({ name: 'ml-service', kind: 'ml', status: 'down' })
    expect(body.dependencies.map((d: { name: string }) => d.name)).toEqual(
      expect.arrayContaining(['groq', 'openrouter', 'local']),
    )
  })

  it('exposes Prometheus metrics labelled by route', async () => {
    const { app } = await buildApp({ ML_SERVICE_URL: deadMl })
    await app.request('/api/compress', post({ text: 1 }))
    const response = await app.request('/metrics')
    expect(response.headers.get('content-type')).toMatch(/text\/plain/)
    const text = await response.text()
    expect(text).toMatch(
      /tokenflow_http_requests_total\{route="\/api\/compress",method="POST",status="400"\} 1/,
    )
    expect(text).toContain('tokenflow_ml_breaker_state')
  })

  it('answers unknown routes with a JSON 404', async () => {
    const { app } = await buildApp({ ML_SERVICE_URL: deadMl })
    const response = await app.request('/nope')
    expect(response.status).toBe(404)
    expect(await readJson(response)).toEqual({
      error: { code: 'NOT_FOUND', message: 'no route for GET /nope' },
    })
  })

  it('propagates a caller X-Request-Id', async () => {
    const { app } = await buildApp({ ML_SERVICE_URL: deadMl })
    const response = await app.request('/healthz', { headers: { 'X-Request-Id': 'abc-123' } })
    expect(response.headers.get('x-request-id')).toBe('abc-123')
  })
})

describe('REST validation', () => {
  const cases: [string, unknown, string][] = [
    ['/api/compress', { text: 'hi', ratio: 2 }, 'ratio'],
    ['/api/compress', { text: 'hi', target_tokens: 'many' }, 'target_tokens'],
    ['/api/compress', { ratio: 0.5 }, 'text'],
    ['/api/compress', { text: 'hi', method: 'zip' }, 'method'],
    ['/api/compress', { text: 'hi', force_tokens: [1] }, 'force_tokens.0'],
    ['/api/compress', { text: 'hi', question: ' ' }, 'question'],
    ['/api/compress/messages', { text: 'hi' }, 'messages'],
    ['/api/compress/messages', { messages: [] }, 'messages'],
    ['/api/compress/messages', { messages: [{ role: 'bot', content: 'x' }] }, 'messages.0.role'],
    [
      '/api/compress/messages',
      { messages: [{ role: 'user', content: 'x', compress: 'yes' }] },
      'messages.0.compress',
    ],
    [
      '/api/compress/messages',
      { messages: [{ role: 'user', content: 'x' }], target_tokens: 0 },
      'target_tokens',
    ],
    [
      '/api/compress/messages',
      { messages: [{ role: 'user', content: 'x' }], question: 'q'.repeat(4_001) },
      'question',
    ],
    ['/api/classify', { prompt: '' }, 'prompt'],
    ['/api/classify', { prompt: 'x', possible_categories: 'a' }, 'possible_categories'],
    ['/api/classify', { prompt: 'x', multi_label: 'yes' }, 'multi_label'],
    ['/api/generate', { prompt: 'x' }, 'model'],
    ['/api/generate', { prompt: 'x', model: 'm', max_tokens: -1 }, 'max_tokens'],
    ['/api/generate', { model: 'm' }, 'prompt'],
    ['/api/generate', { model: 'm', messages: [{ role: 'bot', content: 'x' }] }, 'messages.0.role'],
    ['/api/models/select', { prompt: 'x', strategy: 'fastest' }, 'strategy'],
    ['/api/models/select', { prompt: 'x', top_p: 0 }, 'top_p'],
    ['/api/models/select', { prompt: 'x', possible_categories: [] }, 'possible_categories'],
  ]

  it.each(cases)('%s rejects %j naming %s', async (path, body, field) => {
    const { app } = await buildApp({ ML_SERVICE_URL: deadMl })
    const response = await app.request(path, post(body))
    expect(response.status).toBe(400)
    const { error } = await readJson(response)
    expect(error.code).toBe('BAD_REQUEST')
    expect(error.issues.map((i: { path: string }) => i.path)).toContain(field)
    expect(error.message).toContain(field)
  })

  it.each([
    '/api/compress',
    '/api/compress/messages',
    '/api/classify',
    '/api/generate',
    '/api/models/select',
  ])('%s rejects malformed JSON with 400', async (path) => {
    const { app } = await buildApp({ ML_SERVICE_URL: deadMl })
    const response = await app.request(path, post('{"text": '))
    expect(response.status).toBe(400)
    expect((await readJson(response)).error.message).toBe('request body must be valid JSON')
  })

  it.each(['/api/compress', '/trpc/compression.compress'])(
    '%s rejects an oversized body with 413',
    async (path) => {
      const { app } = await buildApp({ ML_SERVICE_URL: deadMl, BODY_LIMIT_BYTES: '1024' })
      const response = await app.request(path, post({ text: 'x'.repeat(2_000) }))
      expect(response.status).toBe(413)
      expect((await readJson(response)).error.code).toBe('PAYLOAD_TOO_LARGE')
    },
  )

  it('rejects the same input on tRPC with the same field', async () => {
    const { app } = await buildApp({ ML_SERVICE_URL: deadMl })
    const response = await app.request('/trpc/compression.compress', post({ text: 'hi', ratio: 2 }))
    expect(response.status).toBe(400)
    const body = await readJson(response)
    expect(body.error.data.code).toBe('BAD_REQUEST')
    expect(body.error.data.issues[0].path).toBe('ratio')
  })
})

describe('compression over REST, snake_case in and out', () => {
  // Plays the ML service: records each body it is sent and answers the endpoint's shape.
  const sent: { path: string; body: Record<string, unknown> }[] = []
  const answers: Record<string, (body: Record<string, unknown>) => unknown> = {
    '/compress': (body) => ({
      original_text: body.text,
      compressed_text: 'ledger first?',
      original_tokens: 9,
      compressed_tokens: 3,
      compression_ratio: 0.3333,
      method: 'encoder',
      model: 'minilm',
      latency_ms: 2.5,
      tokenizer: 'cl100k_base',
      segments: [
        { text: 'Which ', kept: false },
        { text: 'ledger', kept: true },
      ],
    }),
    '/compress/messages': (body) => ({
      messages: (body.messages as { role: string; content: string; compress?: boolean }[]).map(
        (m) => ({
          role: m.role,
          content: m.compress ? m.content.split(' ')[0] : m.content,
          compressed: m.compress ?? false,
          original_tokens: m.content.split(' ').length,
          compressed_tokens: m.compress ? 1 : m.content.split(' ').length,
        }),
      ),
      original_tokens: 10,
      compressed_tokens: 6,
      compression_ratio: 0.6,
      method: 'encoder',
      model: 'minilm',
      latency_ms: 3,
      tokenizer: 'cl100k_base',
      question: body.question ?? null,
    }),
  }
  const ml = createServer((req, res) => {
    let raw = ''
    req.on('data', (chunk) => {
      raw += chunk
    })
    req.on('end', () => {
      const body = (raw ? JSON.parse(raw) : {}) as Record<string, unknown>
      const answer = answers[req.url ?? '']
      sent.push({ path: req.url ?? '', body })
      res.writeHead(answer ? 200 : 404, { 'content-type': 'application/json' })
      res.end(JSON.stringify(answer ? answer(body) : { detail: 'Not Found' }))
    })
  })
  let mlUrl = ''
  beforeAll(async () => {
    const port = await freePort()
    await new Promise<void>((done) => ml.listen(port, '127.0.0.1', done))
    mlUrl = `http://127.0.0.1:${port}`
  })
  afterAll(() => new Promise<void>((done) => ml.close(() => done())))

  it('POST /api/compress passes the question on', async () => {
    const { app } = await buildApp({ ML_SERVICE_URL: mlUrl })
    const response = await app.request(
      '/api/compress',
      post({ text: 'Which ledger first?', method: 'encoder', question: 'Which ledger?' }),
    )
    expect(response.status).toBe(200)
    expect(sent.at(-1)).toEqual({
      path: '/compress',
      body: { text: 'Which ledger first?', method: 'encoder', question: 'Which ledger?' },
    })
    expect((await readJson(response)).segments).toEqual([
      { text: 'Which ', kept: false },
      { text: 'ledger', kept: true },
    ])
  })

  it('POST /api/compress/messages compresses a conversation', async () => {
    const { app } = await buildApp({ ML_SERVICE_URL: mlUrl })
    const messages = [
      { role: 'system', content: 'Be brief.' },
      { role: 'assistant', content: 'Earlier answer here' },
      { role: 'user', content: 'Long latest turn', compress: true },
    ]
    const response = await app.request(
      '/api/compress/messages',
      post({ messages, target_tokens: 6, force_tokens: ['ledger'], question: 'Which ledger?' }),
    )
    expect(response.status).toBe(200)
    expect(sent.at(-1)).toEqual({
      path: '/compress/messages',
      body: { messages, target_tokens: 6, force_tokens: ['ledger'], question: 'Which ledger?' },
    })
    expect(await readJson(response)).toEqual({
      messages: [
        {
          role: 'system',
          content: 'Be brief.',
          compressed: false,
          original_tokens: 2,
          compressed_tokens: 2,
        },
        {
          role: 'assistant',
          content: 'Earlier answer here',
          compressed: false,
          original_tokens: 3,
          compressed_tokens: 3,
        },
        {
          role: 'user',
          content: 'Long',
          compressed: true,
          original_tokens: 3,
          compressed_tokens: 1,
        },
      ],
      original_tokens: 10,
      compressed_tokens: 6,
      compression_ratio: 0.6,
      method: 'encoder',
      model: 'minilm',
      latency_ms: 3,
      tokenizer: 'cl100k_base',
      question: 'Which ledger?',
    })
  })
})

describe('ML service down', () => {
  it('answers 503 SERVICE_UNAVAILABLE naming the ML service, then fails fast with Retry-After', async () => {
    const { app, ml } = await buildApp({ ML_SERVICE_URL: deadMl, ML_BREAKER_THRESHOLD: '2' })
    for (let i = 0; i < 2; i++) {
      const response = await app.request('/api/compress', post({ text: 'hello world' }))
      expect(response.status).toBe(503)
      const { error } = await readJson(response)
      expect(error.code).toBe('SERVICE_UNAVAILABLE')
      expect(error.message).toMatch(/ML service/)
    }
    expect(ml.breakerState()).toBe('open')
    const response = await app.request('/api/classify', post({ prompt: 'hello' }))
    expect(response.status).toBe(503)
    expect(response.headers.get('retry-after')).toBe('2')
    expect((await readJson(response)).error.message).toMatch(/circuit breaker open/)
  })
})

describe('security', () => {
  const key = 'tf-test-key-0123456789'

  it('requires an API key on /api and /trpc when keys are configured, never on /healthz', async () => {
    const { app, lines } = await buildApp({
      ML_SERVICE_URL: deadMl,
      TOKENFLOW_API_KEYS: `${key},other-key-xyz`,
    })
    const missing = await app.request('/api/model-rankings')
    expect(missing.status).toBe(401)
    expect((await readJson(missing)).error.message).toMatch(/missing API key/)
    const wrong = await app.request('/trpc/models.list', {
      headers: { authorization: `Bearer ${key}x` },
    })
    expect(wrong.status).toBe(401)
    const wrongText = await wrong.text()
    expect(wrongText).not.toContain(key)
    const ok = await app.request(
      '/api/compress',
      post({ text: 1 }, { authorization: `Bearer ${key}` }),
    )
    expect(ok.status).toBe(400)
    const viaHeader = await app.request('/api/compress', post({ text: 1 }, { 'x-api-key': key }))
    expect(viaHeader.status).toBe(400)
    expect((await app.request('/healthz')).status).toBe(200)
    expect(lines.length).toBeGreaterThan(0)
    for (const line of lines) expect(line).not.toContain(key)
  })

  it('limits requests per client with 429 and Retry-After', async () => {
    const { app } = await buildApp({ ML_SERVICE_URL: deadMl }, { rateLimitPerMinute: 3 })
    const statuses: number[] = []
    const responses: Response[] = []
    for (let i = 0; i < 5; i++) {
      const response = await app.request('/api/compress', post({ text: 1 }))
      responses.push(response)
      statuses.push(response.status)
    }
    const last = responses[4] as Response
    expect(statuses).toEqual([400, 400, 400, 429, 429])
    const retryAfter = Number(last.headers.get('retry-after'))
    expect(retryAfter).toBeGreaterThanOrEqual(1)
    expect(retryAfter).toBeLessThanOrEqual(60)
    expect((await readJson(last)).error.code).toBe('TOO_MANY_REQUESTS')
  })

  it('allows only listed CORS origins', async () => {
    const { app } = await buildApp({ ML_SERVICE_URL: deadMl, CORS_ORIGINS: 'https://app.example' })
    const preflight = (origin: string) =>
      app.request('/api/compress', {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST' },
      })
    const allowed = await preflight('https://app.example')
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example')
    const denied = await preflight('https://evil.example')
    expect(denied.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('keeps prompts out of the logs unless LOG_PROMPTS is on', async () => {
    const secretPrompt = 'my very private prompt text'
    const quiet = await buildApp({ ML_SERVICE_URL: deadMl })
    await quiet.app.request('/api/compress', post({ text: secretPrompt }))
    expect(quiet.lines.join('\n')).not.toContain(secretPrompt)
  })
})
