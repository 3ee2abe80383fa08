// routing.stream and generation.stream through the router (createCaller) with the real SDKs
// talking to the fake provider: event order, content, usage, fallback, errors, abort, resume.
import { createCaller, createContext, type StreamEvent } from '@tokenflow/api'
import { type FakeProvider, startFakeProvider } from '@tokenflow/fake-provider'
import { TRPCError } from '@trpc/server'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { servicesOnFake } from '../../test/providers-on-fake'
import type { StreamEndResult, StreamObserver } from '../streams/stream-observer'

let fake: FakeProvider
beforeAll(async () => {
  fake = await startFakeProvider()
})
afterAll(() => fake.close())
beforeEach(() => {
  fake.reset()
  fake.requests.length = 0
})

// A caller yields tRPC's tracked envelope [id, event, marker] at run time.
type Envelope = [string, StreamEvent]

const collect = async (stream: AsyncIterable<unknown>): Promise<Envelope[]> => {
  const items: Envelope[] = []
  for await (const item of stream) items.push(item as Envelope)
  return items
}

const types = (items: Envelope[]) => items.map(([, event]) => event.type)
const text = (items: Envelope[]) =>
  items.map(([, e]) => (e.type === 'text' ? e.delta : '')).join('')
/** The last event of a type: after a fallback, the second metadata names the answering model. */
const find = <T extends StreamEvent['type']>(items: Envelope[], type: T) =>
  items.findLast(([, e]) => e.type === type)?.[1] as Extract<StreamEvent, { type: T }>

const recordingObserver = () => {
  const ended: StreamEndResult[] = []
  const providerErrors: string[] = []
  const observer: StreamObserver = {
    streamStarted() {},
    firstToken() {},
    streamEnded: (result) => ended.push(result),
    providerError: (provider, code) => providerErrors.push(`${provider}:${code}`),
  }
  return { observer, ended, providerErrors }
}

// text-to-text, quality: llama-3.3-70b-versatile (Groq) first, then gpt-oss-20b, mistral...
const route = { prompt: 'Summarise this please', possibleCategories: ['text-to-text'] }

describe('routing.stream', () => {
  it('emits metadata, text deltas and end, in that order, with ids and Groq usage', async () => {
    fake.script('llama-3.3-70b-versatile', {
      kind: 'stream',
      chunks: ['Short', ' summary', '.'],
      delayMs: 2,
    })
    const { observer, ended } = recordingObserver()
    const caller = createCaller(createContext(await servicesOnFake(fake, { observer })))
    const items = await collect(
      await caller.routing.stream({ ...route, strategy: 'quality', compress: 'off' }),
    )
    expect(types(items)).toEqual(['metadata', 'text', 'text', 'text', 'end'])
    const metadata = find(items, 'metadata')
    expect(metadata.model).toEqual({
      id: 'groq/llama-3.3-70b-versatile',
      provider: 'groq',
      displayName: 'Llama 3.3 70B Versatile (Groq)',
    })
    expect(metadata.category).toMatchObject({ id: 'text-to-text', method: 'single-candidate' })
    expect(metadata.strategy).toBe('quality')
    expect(metadata.compression).toMatchObject({ applied: false })
    expect(metadata.fallbacks).toEqual([])
    expect(items.map(([id]) => id)).toEqual([0, 1, 2, 3, 4].map((n) => `${metadata.streamId}:${n}`))
    expect(text(items)).toBe('Short summary.')
    const end = find(items, 'end')
    expect(end.finishReason).toBe('stop')
    expect(end.usage).toEqual({ promptTokens: 3, completionTokens: 2, totalTokens: 5 })
    expect(end.costUsd).toBeCloseTo((3 * 0.59 + 2 * 0.79) / 1e6, 12)
    expect(end.timeToFirstTokenMs).toBeGreaterThan(0)
    expect(end.totalMs).toBeGreaterThanOrEqual(end.timeToFirstTokenMs ?? 0)
    expect(ended).toMatchObject([{ kind: 'routing', outcome: 'completed' }])
    // Groq SDK request, sampling parameters passed through.
    expect(fake.requests.at(-1)?.body).toMatchObject({ model: 'llama-3.3-70b-versatile' })
  })

  it('picks the cheapest ranked model for strategy cheapest and passes sampling through', async () => {
    const caller = createCaller(createContext(await servicesOnFake(fake)))
    const items = await collect(
      await caller.routing.stream({
        ...route,
        strategy: 'cheapest',
        compress: 'off',
        temperature: 0.3,
        maxTokens: 50,
      }),
    )
    // The local model costs nothing.
    expect(find(items, 'metadata').model.id).toBe('local/smollm2-135m-instruct')
    expect(text(items)).toBe('Echo: Summarise this please')
    expect(fake.requests.at(-1)?.body).toMatchObject({
      model: 'smollm2-135m-instruct',
      temperature: 0.3,
      max_tokens: 50,
      stream_options: { include_usage: true },
    })
  })

  it('falls back past 429 and 5xx before the first token and says so in metadata', async () => {
    fake.script('llama-3.3-70b-versatile', { kind: 'rate-limit', retryAfterSeconds: 30 })
    fake.script('openai/gpt-oss-20b', { kind: 'server-error', status: 503 })
    fake.script('mistralai/mistral-small-3.2-24b-instruct', { kind: 'stream', chunks: ['ok'] })
    const { observer, providerErrors } = recordingObserver()
    const caller = createCaller(createContext(await servicesOnFake(fake, { observer })))
    const items = await collect(
      await caller.routing.stream({ ...route, strategy: 'quality', compress: 'off' }),
    )
    // The decision goes out before any provider answers; the fallback sends it again.
    expect(types(items)).toEqual(['metadata', 'metadata', 'text', 'end'])
    expect(items[0]?.[1]).toMatchObject({
      type: 'metadata',
      model: { id: 'groq/llama-3.3-70b-versatile' },
      fallbacks: [],
    })
    const metadata = find(items, 'metadata')
    expect(metadata.model.id).toBe('openrouter/mistralai/mistral-small-3.2-24b-instruct')
    expect(metadata.fallbacks.map((f) => [f.model.id, f.code])).toEqual([
      ['groq/llama-3.3-70b-versatile', 'RATE_LIMITED'],
      ['groq/openai/gpt-oss-20b', 'PROVIDER_ERROR'],
    ])
    expect(providerErrors).toEqual(['groq:RATE_LIMITED', 'groq:PROVIDER_ERROR'])
    // OpenRouter reports usage on a choice-less chunk (include_usage).
    expect(find(items, 'end').usage).toEqual({
      promptTokens: 3,
      completionTokens: 1,
      totalTokens: 4,
    })
  })

  it('falls back when the first token does not come within the provider timeout', async () => {
    fake.script('llama-3.3-70b-versatile', { kind: 'hang' })
    fake.script('openai/gpt-oss-20b', {
      kind: 'stream',
      chunks: ['late'],
      firstTokenDelayMs: 2_000,
    })
    const caller = createCaller(createContext(await servicesOnFake(fake, { timeoutMs: 200 })))
    const items = await collect(
      await caller.routing.stream({ ...route, strategy: 'quality', compress: 'off' }),
    )
    expect(find(items, 'metadata').fallbacks.map((f) => f.code)).toEqual(['TIMEOUT', 'TIMEOUT'])
    expect(find(items, 'metadata').model.id).toBe(
      'openrouter/mistralai/mistral-small-3.2-24b-instruct',
    )
    expect(types(items).at(-1)).toBe('end')
  })

  it('ends with an error event after the first token, keeping the text sent', async () => {
    fake.script('llama-3.3-70b-versatile', {
      kind: 'stream',
      chunks: ['one', ' two', ' three'],
      cutAfter: 2,
    })
    const { observer, ended } = recordingObserver()
    const caller = createCaller(createContext(await servicesOnFake(fake, { observer })))
    const items = await collect(
      await caller.routing.stream({ ...route, strategy: 'quality', compress: 'off' }),
    )
    expect(types(items)).toEqual(['metadata', 'text', 'text', 'error'])
    expect(text(items)).toBe('one two')
    expect(find(items, 'error')).toMatchObject({ code: 'STREAM_INTERRUPTED', retryable: true })
    // No silent switch to another model.
    expect(fake.requests.filter((r) => r.path.endsWith('/chat/completions'))).toHaveLength(1)
    expect(ended).toMatchObject([{ outcome: 'error', errorCode: 'STREAM_INTERRUPTED' }])
  })

  it('reports an error event when every candidate fails', async () => {
    for (const id of [
      'llama-3.3-70b-versatile',
      'openai/gpt-oss-20b',
      'mistralai/mistral-small-3.2-24b-instruct',
      'llama-3.1-8b-instant',
      'smollm2-135m-instruct',
    ]) {
      fake.script(id, { kind: 'server-error' })
    }
    const caller = createCaller(createContext(await servicesOnFake(fake)))
    const items = await collect(
      await caller.routing.stream({ ...route, strategy: 'quality', compress: 'off' }),
    )
    expect(types(items)).toEqual(['metadata', 'metadata', 'error'])
    expect(find(items, 'metadata').fallbacks).toHaveLength(4)
    expect(find(items, 'error')).toMatchObject({ code: 'PROVIDER_ERROR', retryable: true })
  })

  it('counts tokens when the provider reports no usage', async () => {
    fake.script('llama-3.3-70b-versatile', {
      kind: 'stream',
      chunks: ['abcd', 'efgh'],
      omitUsage: true,
    })
    const caller = createCaller(createContext(await servicesOnFake(fake)))
    const items = await collect(
      await caller.routing.stream({ ...route, strategy: 'quality', compress: 'off' }),
    )
    expect(find(items, 'end').usage.completionTokens).toBe(2)
    expect(find(items, 'end').usage.promptTokens).toBeGreaterThan(0)
  })

  it('rejects unknown categories with BAD_REQUEST naming the field', async () => {
    const caller = createCaller(createContext(await servicesOnFake(fake)))
    // The subscription itself fails: no stream starts.
    const error = await caller.routing
      .stream({ prompt: 'x', possibleCategories: ['poetry', 'reasoning'] })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TRPCError)
    expect((error as TRPCError).code).toBe('BAD_REQUEST')
    expect((error as TRPCError).message).toMatch(/^possibleCategories: unknown poetry/)
  })

  it('keeps generating for the resume window after the consumer stops, then aborts', async () => {
    fake.script('llama-3.3-70b-versatile', {
      kind: 'stream',
      chunks: Array.from({ length: 200 }, (_, i) => ` w${i}`),
      delayMs: 10,
    })
    const { observer, ended } = recordingObserver()
    const services = await servicesOnFake(fake, { observer, streams: { resumeWindowMs: 300 } })
    const caller = createCaller(createContext(services))
    const stream = await caller.routing.stream({ ...route, strategy: 'quality', compress: 'off' })
    const abortSeen = fake.nextAbort()
    let count = 0
    for await (const _ of stream) {
      count += 1
      if (count === 5) break
    }
    const stoppedAt = performance.now()
    const waited = (await abortSeen) - stoppedAt
    expect(waited).toBeGreaterThanOrEqual(290)
    expect(waited).toBeLessThan(600)
    await expect.poll(() => ended.length).toBe(1)
    expect(ended[0]).toMatchObject({ outcome: 'aborted', errorCode: 'ABORTED' })
  })

  it('aborts the upstream request within 100 ms of a cancel', async () => {
    fake.script('llama-3.3-70b-versatile', {
      kind: 'stream',
      chunks: Array.from({ length: 200 }, (_, i) => ` w${i}`),
      delayMs: 10,
    })
    const { observer, ended } = recordingObserver()
    const caller = createCaller(createContext(await servicesOnFake(fake, { observer })))
    const stream = await caller.routing.stream({ ...route, strategy: 'quality', compress: 'off' })
    const abortSeen = fake.nextAbort()
    const seen: Envelope[] = []
    for await (const item of stream) {
      seen.push(item as unknown as Envelope)
      if (seen.length === 5) break
    }
    const { streamId } = find(seen, 'metadata')
    const cancelledAt = performance.now()
    expect(await caller.routing.cancel({ streamId })).toEqual({ cancelled: true })
    expect((await abortSeen) - cancelledAt).toBeLessThan(100)
    await expect.poll(() => ended.length).toBe(1)
    expect(ended[0]).toMatchObject({ outcome: 'aborted', errorCode: 'ABORTED' })
    expect(await caller.routing.cancel({ streamId })).toEqual({ cancelled: false })
  })

  it('resumes after lastEventId without duplicated or missing text', async () => {
    fake.script('llama-3.3-70b-versatile', {
      kind: 'stream',
      chunks: ['a', 'b', 'c', 'd', 'e'],
      delayMs: 1,
    })
    const caller = createCaller(createContext(await servicesOnFake(fake)))
    const input = { ...route, strategy: 'quality' as const, compress: 'off' as const }
    const all = await collect(await caller.routing.stream(input))
    const [lastSeenId] = all[2] as Envelope // metadata, 'a', 'b' seen
    const rest = await collect(await caller.routing.stream({ ...input, lastEventId: lastSeenId }))
    expect(rest.map(([id]) => id)).toEqual(all.slice(3).map(([id]) => id))
    expect(text(all.slice(0, 3)) + text(rest)).toBe('abcde')
    expect(types(rest).at(-1)).toBe('end')
  })

  it('answers an unknown lastEventId with RESUME_EXPIRED', async () => {
    const caller = createCaller(createContext(await servicesOnFake(fake)))
    const items = await collect(
      await caller.routing.stream({ ...route, lastEventId: 'no-such-stream:4' }),
    )
    expect(types(items)).toEqual(['error'])
    expect(find(items, 'error').code).toBe('RESUME_EXPIRED')
  })

  it('answers RESUME_EXPIRED when the events after the id left the replay buffer', async () => {
    fake.script('llama-3.3-70b-versatile', { kind: 'stream', chunks: ['1', '2', '3', '4', '5'] })
    const services = await servicesOnFake(fake, { streams: { replayLimit: 3 } })
    const caller = createCaller(createContext(services))
    const input = { ...route, strategy: 'quality' as const, compress: 'off' as const }
    const all = await collect(await caller.routing.stream(input))
    const [firstId] = all[0] as Envelope
    const items = await collect(await caller.routing.stream({ ...input, lastEventId: firstId }))
    expect(types(items)).toEqual(['error'])
    expect(find(items, 'error').code).toBe('RESUME_EXPIRED')
  })
})

describe('generation.stream', () => {
  it('forwards the request id to OpenAI-compatible providers (the local model logs it)', async () => {
    const caller = createCaller(createContext(await servicesOnFake(fake), 'req-42'))
    await collect(
      await caller.generation.stream({ prompt: 'hi', model: 'local/smollm2-135m-instruct' }),
    )
    const chat = fake.requests.find((request) => request.path.endsWith('/chat/completions'))
    expect(chat?.headers['x-request-id']).toBe('req-42')
  })

  it('streams the named model with OpenRouter usage', async () => {
    fake.script('qwen/qwen3-235b-a22b-2507', { kind: 'stream', chunks: ['Hola', ' mundo'] })
    const caller = createCaller(createContext(await servicesOnFake(fake)))
    const items = await collect(
      await caller.generation.stream({
        messages: [
          { role: 'system', content: 'Answer in Spanish' },
          { role: 'user', content: 'hello world' },
        ],
        model: 'openrouter/qwen/qwen3-235b-a22b-2507',
      }),
    )
    expect(types(items)).toEqual(['metadata', 'text', 'text', 'end'])
    const metadata = find(items, 'metadata')
    expect(metadata.category).toBeNull()
    expect(metadata.compression.reason).toBe('compression off for this request')
    expect(find(items, 'end').usage).toEqual({
      promptTokens: 5,
      completionTokens: 2,
      totalTokens: 7,
    })
  })

  it.each([
    ['unauthorized', 'UNAUTHORIZED', false],
    ['not-found', 'MODEL_NOT_FOUND', false],
    ['server-error', 'PROVIDER_ERROR', true],
  ] as const)('maps a %s answer to an %s error event', async (kind, code, retryable) => {
    fake.script('openai/gpt-oss-120b', { kind })
    const caller = createCaller(createContext(await servicesOnFake(fake)))
    const items = await collect(
      await caller.generation.stream({ prompt: 'hi', model: 'groq/openai/gpt-oss-120b' }),
    )
    expect(types(items)).toEqual(['metadata', 'error'])
    expect(find(items, 'error')).toMatchObject({ code, retryable })
  })

  it('maps a 429 to RATE_LIMITED', async () => {
    fake.script('openai/gpt-oss-120b', { kind: 'rate-limit', retryAfterSeconds: 3 })
    const caller = createCaller(createContext(await servicesOnFake(fake)))
    const items = await collect(
      await caller.generation.stream({ prompt: 'hi', model: 'openai/gpt-oss-120b' }),
    )
    expect(find(items, 'error')).toMatchObject({ code: 'RATE_LIMITED', retryable: true })
    expect(find(items, 'error').message).toMatch(/rate limit/i)
  })

  it('rejects an unknown model with BAD_REQUEST naming the field', async () => {
    const caller = createCaller(createContext(await servicesOnFake(fake)))
    const error = await caller.generation
      .stream({ prompt: 'hi', model: 'gpt-17' })
      .catch((e: unknown) => e)
    expect((error as TRPCError).code).toBe('BAD_REQUEST')
    expect((error as TRPCError).message).toMatch(/^model: unknown model "gpt-17"/)
  })
})
