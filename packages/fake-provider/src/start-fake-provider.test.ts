import Groq from 'groq-sdk'
import OpenAI from 'openai'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type FakeProvider, startFakeProvider } from './start-fake-provider'

let fake: FakeProvider
let openai: OpenAI
let groq: Groq

beforeAll(async () => {
  fake = await startFakeProvider()
  openai = new OpenAI({ apiKey: 'test', baseURL: fake.url, maxRetries: 0 })
  groq = new Groq({ apiKey: 'test', baseURL: fake.url.replace(/\/openai\/v1$/, ''), maxRetries: 0 })
})
afterAll(() => fake.close())
beforeEach(() => fake.reset())

const user = (content: string) => [{ role: 'user' as const, content }]

describe('fake provider through the openai SDK', () => {
  it('paces a long stream without piling up abort listeners', async () => {
    const warnings: string[] = []
    const onWarning = (warning: Error) => warnings.push(warning.name)
    process.on('warning', onWarning)
    const chunks = Array.from({ length: 40 }, (_, i) => ` c${i}`)
    fake.script('paced', { kind: 'stream', chunks, delayMs: 1 })
    const stream = await openai.chat.completions.create({
      model: 'paced',
      messages: user('count'),
      stream: true,
    })
    let text = ''
    for await (const part of stream) text += part.choices[0]?.delta.content ?? ''
    // Warnings are emitted on the next tick.
    await new Promise((resolve) => setImmediate(resolve))
    process.off('warning', onWarning)
    expect(text).toBe(chunks.join(''))
    expect(warnings).not.toContain('MaxListenersExceededWarning')
  })

  it('streams scripted chunks, a finish reason and a usage chunk', async () => {
    fake.script('m', { kind: 'stream', chunks: ['Hello', ' there', ' friend'] })
    const stream = await openai.chat.completions.create({
      model: 'm',
      messages: user('say hi to me'),
      stream: true,
      stream_options: { include_usage: true },
    })
    const deltas: string[] = []
    let finish: string | null = null
    let usage: OpenAI.CompletionUsage | null | undefined
    for await (const part of stream) {
      const choice = part.choices[0]
      if (choice?.delta.content) deltas.push(choice.delta.content)
      if (choice?.finish_reason) finish = choice.finish_reason
      if (part.usage) usage = part.usage
    }
    expect(deltas).toEqual(['Hello', ' there', ' friend'])
    expect(finish).toBe('stop')
    expect(usage).toEqual({ prompt_tokens: 4, completion_tokens: 3, total_tokens: 7 })
    expect(fake.requests.at(-1)?.path).toBe('/openai/v1/chat/completions')
  })

  it('answers unscripted models deterministically from the prompt', async () => {
    const answer = await openai.chat.completions.create({
      model: 'anything',
      messages: user('one two'),
    })
    expect(answer.choices[0]?.message.content).toBe('Echo: one two')
  })

  it('returns 429 with retry-after as a RateLimitError', async () => {
    fake.script('m', { kind: 'rate-limit', retryAfterSeconds: 7 })
    const error = await openai.chat.completions
      .create({ model: 'm', messages: user('x'), stream: true })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OpenAI.RateLimitError)
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after')).toBe(
      '7',
    )
  })

  it('returns 401, 404 and 5xx as the SDK error classes', async () => {
    fake.script('a', { kind: 'unauthorized' })
    fake.script('b', { kind: 'not-found' })
    fake.script('c', { kind: 'server-error', status: 503 })
    const fail = (model: string) =>
      openai.chat.completions.create({ model, messages: user('x') }).catch((e: unknown) => e)
    expect(await fail('a')).toBeInstanceOf(OpenAI.AuthenticationError)
    const notFound = await fail('b')
    expect(notFound).toBeInstanceOf(OpenAI.NotFoundError)
    expect((notFound as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found')
    const unavailable = await fail('c')
    expect(unavailable).toBeInstanceOf(OpenAI.InternalServerError)
    expect((unavailable as InstanceType<typeof OpenAI.InternalServerError>).status).toBe(503)
  })

  it('cuts the connection mid-stream after the chunks it was told to send', async () => {
    fake.script('m', { kind: 'stream', chunks: ['a', 'b', 'c'], cutAfter: 2 })
    const stream = await openai.chat.completions.create({
      model: 'm',
      messages: user('x'),
      stream: true,
    })
    const deltas: string[] = []
    const error = await (async () => {
      for await (const part of stream) {
        const content = part.choices[0]?.delta.content
        if (content) deltas.push(content)
      }
    })().catch((e: unknown) => e)
    expect(deltas).toEqual(['a', 'b'])
    expect(error).toBeInstanceOf(Error)
  })

  it('records a client abort while hanging', async () => {
    fake.script('m', { kind: 'hang' })
    const controller = new AbortController()
    const before = fake.aborted()
    const seen = fake.nextAbort()
    const request = openai.chat.completions
      .create({ model: 'm', messages: user('x'), stream: true }, { signal: controller.signal })
      .catch((e: unknown) => e)
    await new Promise((resolve) => setTimeout(resolve, 50))
    const abortedAt = performance.now()
    controller.abort()
    expect(await request).toBeInstanceOf(OpenAI.APIUserAbortError)
    expect((await seen) - abortedAt).toBeLessThan(100)
    expect(fake.aborted()).toBe(before + 1)
  })

  it('delays the first token when told to', async () => {
    fake.script('m', { kind: 'stream', chunks: ['late'], firstTokenDelayMs: 120 })
    const started = performance.now()
    const stream = await openai.chat.completions.create({
      model: 'm',
      messages: user('x'),
      stream: true,
    })
    let firstAt = 0
    for await (const part of stream) {
      if (part.choices[0]?.delta.content && !firstAt) firstAt = performance.now()
    }
    expect(firstAt - started).toBeGreaterThanOrEqual(100)
  })
})

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
}
const weatherArgs = '{"city":"Paris","unit":"celsius"}'

describe('fake provider tool calls through the openai SDK', () => {
  it('streams a tool call as OpenAI does: named first delta, argument slices, tool_calls finish', async () => {
    fake.script('tools', {
      kind: 'tool-call',
      name: 'get_weather',
      arguments: weatherArgs,
      chunks: 4,
    })
    const stream = await openai.chat.completions.create({
      model: 'tools',
      messages: user('weather in Paris?'),
      tools: [weatherTool],
      stream: true,
      stream_options: { include_usage: true },
    })
    const parts: OpenAI.ChatCompletionChunk[] = []
    for await (const part of stream) parts.push(part)
    const calls = parts.flatMap((part) => part.choices[0]?.delta.tool_calls ?? [])
    expect(calls[0]).toMatchObject({
      index: 0,
      type: 'function',
      function: { name: 'get_weather', arguments: '' },
    })
    expect(calls[0]?.id).toMatch(/^call_/)
    const later = calls.slice(1)
    expect(later).toHaveLength(4)
    for (const call of later) {
      expect(call.index).toBe(0)
      expect(call.id).toBeUndefined()
      expect(call.function?.name).toBeUndefined()
    }
    expect(later.map((call) => call.function?.arguments).join('')).toBe(weatherArgs)
    expect(parts.flatMap((part) => part.choices.map((c) => c.finish_reason))).toContain(
      'tool_calls',
    )
    expect(parts.at(-1)?.choices).toEqual([])
    expect(parts.at(-1)?.usage?.completion_tokens).toBeGreaterThan(0)
    expect(fake.requests.at(-1)?.body).toMatchObject({ tools: [weatherTool] })
  })

  it('accumulates into a complete tool call with the SDK stream helper', async () => {
    fake.script('tools', {
      kind: 'tool-call',
      name: 'get_weather',
      arguments: weatherArgs,
      id: 'call_7',
    })
    const stream = openai.chat.completions.stream({
      model: 'tools',
      messages: user('weather in Paris?'),
      tools: [weatherTool],
    })
    const final = await stream.finalChatCompletion()
    expect(final.choices[0]?.finish_reason).toBe('tool_calls')
    expect(final.choices[0]?.message.tool_calls).toEqual([
      { id: 'call_7', type: 'function', function: { name: 'get_weather', arguments: weatherArgs } },
    ])
  })

  it('answers non-streamed requests with a tool_calls message', async () => {
    fake.script('tools', { kind: 'tool-call', name: 'get_weather', arguments: weatherArgs })
    const answer = await openai.chat.completions.create({
      model: 'tools',
      messages: user('weather in Paris?'),
      tools: [weatherTool],
    })
    const choice = answer.choices[0]
    expect(choice?.finish_reason).toBe('tool_calls')
    expect(choice?.message.content).toBeNull()
    expect(choice?.message.tool_calls).toHaveLength(1)
    expect(choice?.message.tool_calls?.[0]).toMatchObject({
      type: 'function',
      function: { name: 'get_weather', arguments: weatherArgs },
    })
  })

  it('answers the tool result in text, streamed and not, to finish the round trip', async () => {
    fake.script('tools', { kind: 'tool-call', name: 'get_weather', arguments: weatherArgs })
    const first = await openai.chat.completions.create({
      model: 'tools',
      messages: user('weather in Paris?'),
      tools: [weatherTool],
    })
    const message = first.choices[0]?.message
    const call = message?.tool_calls?.[0]
    if (!message || !call) throw new Error('expected a tool call')
    const messages: OpenAI.ChatCompletionMessageParam[] = [
      ...user('weather in Paris?'),
      message,
      { role: 'tool', tool_call_id: call.id, content: 'sunny and 21 degrees' },
    ]
    const answer = await openai.chat.completions.create({
      model: 'tools',
      messages,
      tools: [weatherTool],
    })
    expect(answer.choices[0]?.finish_reason).toBe('stop')
    expect(answer.choices[0]?.message.content).toBe('Tool said: sunny and 21 degrees')
    const stream = await openai.chat.completions.create({
      model: 'tools',
      messages,
      tools: [weatherTool],
      stream: true,
    })
    let text = ''
    for await (const part of stream) text += part.choices[0]?.delta.content ?? ''
    expect(text).toBe('Tool said: sunny and 21 degrees')
  })

  it('keeps the text default for an unscripted model even when tools are offered', async () => {
    const answer = await openai.chat.completions.create({
      model: 'unscripted',
      messages: user('weather please'),
      tools: [weatherTool],
    })
    expect(answer.choices[0]?.message.content).toBe('Echo: weather please')
    expect(answer.choices[0]?.message.tool_calls).toBeUndefined()
  })
})

describe('fake provider through groq-sdk', () => {
  it('streams chunks with Groq-style usage under x_groq', async () => {
    fake.script('llama', { kind: 'stream', chunks: ['Hi', ' you'], delayMs: 5 })
    const stream = await groq.chat.completions.create({
      model: 'llama',
      messages: user('hello groq'),
      stream: true,
    })
    const deltas: string[] = []
    let usage: unknown
    for await (const part of stream) {
      const content = part.choices[0]?.delta.content
      if (content) deltas.push(content)
      if (part.x_groq?.usage) usage = part.x_groq.usage
    }
    expect(deltas).toEqual(['Hi', ' you'])
    expect(usage).toEqual({ prompt_tokens: 2, completion_tokens: 2, total_tokens: 4 })
  })

  it('maps a 429 to Groq.RateLimitError', async () => {
    fake.script('llama', { kind: 'rate-limit', retryAfterSeconds: 1 })
    const error = await groq.chat.completions
      .create({ model: 'llama', messages: user('x'), stream: true })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Groq.RateLimitError)
  })

  it('streams a tool call that groq-sdk accumulates, with usage under x_groq', async () => {
    fake.script('llama', { kind: 'tool-call', name: 'get_weather', arguments: weatherArgs })
    const stream = await groq.chat.completions.create({
      model: 'llama',
      messages: user('weather in Paris?'),
      tools: [weatherTool],
      stream: true,
    })
    let args = ''
    let name: string | undefined
    let usage: unknown
    for await (const part of stream) {
      for (const call of part.choices[0]?.delta.tool_calls ?? []) {
        name ??= call.function?.name
        args += call.function?.arguments ?? ''
      }
      if (part.x_groq?.usage) usage = part.x_groq.usage
    }
    expect(name).toBe('get_weather')
    expect(args).toBe(weatherArgs)
    expect(usage).toBeTruthy()
  })
})
