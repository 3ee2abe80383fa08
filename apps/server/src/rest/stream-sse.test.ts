// The seed's SSE format on POST /api/generate and /api/models/select, through the real generation
// service, the real groq-sdk and the fake OpenAI-compatible provider.
import { type FakeProvider, startFakeProvider } from '@tokenflow/fake-provider'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../test/build-app'
import { freePort } from '../../test/free-port'
import { toSeedEvent } from './stream-sse'

let fake: FakeProvider
let deadMl = ''

beforeAll(async () => {
  fake = await startFakeProvider()
  deadMl = `http://127.0.0.1:${await freePort()}`
})
afterAll(() => fake.close())

const appOnFake = (provider = fake) =>
  buildApp({ ML_SERVICE_URL: deadMl, GROQ_API_KEY: 'gsk-fake-key', GROQ_BASE_URL: provider.url })

const post = (body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
})

const frames = (text: string) =>
  text
    .split('\n\n')
    .filter(Boolean)
    .map((frame) => JSON.parse(frame.replace(/^data: /, '')))

describe('seed SSE format', () => {
  it('maps every event type: text deltas as strings, the rest as snake_case objects', () => {
    expect(toSeedEvent({ type: 'text', delta: 'Hi' })).toEqual({ event: 'text_chunk', data: 'Hi' })
    expect(
      toSeedEvent({ type: 'error', code: 'TIMEOUT', message: 'slow', retryable: true }),
    ).toEqual({ event: 'error', data: { code: 'TIMEOUT', message: 'slow', retryable: true } })
    expect(
      toSeedEvent({
        type: 'end',
        finishReason: 'stop',
        usage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 },
        timeToFirstTokenMs: 5,
        totalMs: 9,
        costUsd: 0,
        savedTokens: 0,
        savedUsd: 0,
      }),
    ).toEqual({
      event: 'end_stream',
      data: {
        finish_reason: 'stop',
        usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
        time_to_first_token_ms: 5,
        total_ms: 9,
        cost_usd: 0,
        saved_tokens: 0,
        saved_usd: 0,
      },
    })
  })

  it('streams POST /api/generate byte for byte in the seed framing', async () => {
    fake.script('llama-3.1-8b-instant', { kind: 'stream', chunks: ['Hel', 'lo', '!'] })
    const { app } = await appOnFake()
    const response = await app.request(
      '/api/generate',
      post({ prompt: 'say hello', model: 'groq/llama-3.1-8b-instant', max_tokens: 16 }),
    )
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/event-stream')
    const text = await response.text()
    const textFrames = text.split('\n\n').filter((frame) => frame.includes('"text_chunk"'))
    expect(textFrames.map((frame) => `${frame}\n\n`)).toEqual([
      'data: {"event":"text_chunk","data":"Hel"}\n\n',
      'data: {"event":"text_chunk","data":"lo"}\n\n',
      'data: {"event":"text_chunk","data":"!"}\n\n',
    ])
    const events = frames(text)
    expect(events.map((e) => e.event)).toEqual([
      'metadata',
      'text_chunk',
      'text_chunk',
      'text_chunk',
      'end_stream',
    ])
    expect(events[0].data.model).toEqual({
      id: 'groq/llama-3.1-8b-instant',
      provider: 'groq',
      display_name: 'Llama 3.1 8B Instant (Groq)',
    })
    expect(events[4].data.finish_reason).toBe('stop')
    expect(events[4].data.usage.completion_tokens).toBeGreaterThan(0)
    // The sampling parameters reached the provider in its own naming.
    const sent = fake.requests.at(-1)?.body as {
      max_tokens?: number
      max_completion_tokens?: number
    }
    expect(sent.max_tokens ?? sent.max_completion_tokens).toBe(16)
  })

  it('answers an unknown model or category 400 before any stream starts', async () => {
    const { app } = await appOnFake()
    const model = await app.request('/api/generate', post({ prompt: 'x', model: 'nope/none' }))
    expect(model.status).toBe(400)
    expect(model.headers.get('content-type')).toContain('application/json')
    expect(await model.json()).toMatchObject({
      error: { code: 'BAD_REQUEST', message: expect.stringContaining('nope/none') },
    })
    const category = await app.request(
      '/api/models/select',
      post({ prompt: 'x', possible_categories: ['poetry'] }),
    )
    expect(category.status).toBe(400)
    expect(await category.json()).toMatchObject({
      error: { message: expect.stringContaining('poetry') },
    })
  })

  it('cancels a running stream by its id, and answers 404 once it is not running', async () => {
    const slow = await startFakeProvider()
    slow.script('llama-3.1-8b-instant', {
      kind: 'stream',
      chunks: Array.from({ length: 100 }, (_, i) => ` w${i}`),
      delayMs: 10,
    })
    const { app } = await appOnFake(slow)
    const response = await app.request(
      '/api/generate',
      post({ prompt: 'x', model: 'groq/llama-3.1-8b-instant' }),
    )
    const reader = (response.body as ReadableStream<Uint8Array>).getReader()
    // Until the provider streams: the metadata comes before it has answered.
    let head = ''
    while (!head.includes('text_chunk'))
      head += new TextDecoder().decode((await reader.read()).value)
    const streamId = frames(head)[0].data.stream_id as string
    const abortSeen = slow.nextAbort()
    const cancelledAt = performance.now()
    const cancel = await app.request(`/api/streams/${streamId}`, { method: 'DELETE' })
    expect(cancel.status).toBe(200)
    expect(await cancel.json()).toEqual({ cancelled: true })
    expect((await abortSeen) - cancelledAt).toBeLessThan(100)
    let rest = ''
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      rest += new TextDecoder().decode(value)
    }
    expect(frames(rest).at(-1)).toMatchObject({ event: 'error', data: { code: 'ABORTED' } })
    const again = await app.request(`/api/streams/${streamId}`, { method: 'DELETE' })
    expect(again.status).toBe(404)
    expect(await again.json()).toMatchObject({ error: { code: 'NOT_FOUND' } })
    await slow.close()
  })

  it('routes POST /api/models/select with one category (no classifier needed)', async () => {
    // A fresh fake: nothing scripted, so the answer is its deterministic echo of the prompt.
    const unscripted = await startFakeProvider()
    const { app } = await appOnFake(unscripted)
    const response = await app.request(
      '/api/models/select',
      post({
        prompt: 'write me a haiku',
        possible_categories: ['text-to-text'],
        strategy: 'cheapest',
      }),
    )
    expect(response.status).toBe(200)
    const events = frames(await response.text())
    expect(events[0].event).toBe('metadata')
    expect(events[0].data.model.provider).toBe('groq')
    expect(events.at(-1).event).toBe('end_stream')
    const answer = events
      .filter((e) => e.event === 'text_chunk')
      .map((e) => e.data)
      .join('')
    expect(answer).toBe('Echo: write me a haiku')
    await unscripted.close()
  })
})
