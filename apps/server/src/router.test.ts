// The router layer: createCaller over the real services (ML client pointed at a dead port, the
// groq provider at the fake), so procedures, validation and error codes are checked without HTTP.
import { createCaller, createContext, type StreamEvent } from '@tokenflow/api'
import { type FakeProvider, startFakeProvider } from '@tokenflow/fake-provider'
import { TRPCError } from '@trpc/server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../test/build-app'
import { freePort } from '../test/free-port'

let fake: FakeProvider
let caller: ReturnType<typeof createCaller>

beforeAll(async () => {
  fake = await startFakeProvider()
  const { services } = await buildApp({
    ML_SERVICE_URL: `http://127.0.0.1:${await freePort()}`,
    GROQ_API_KEY: 'gsk-fake-key',
    GROQ_BASE_URL: fake.url,
  })
  caller = createCaller(createContext(services, 'router-test'))
})
afterAll(() => fake.close())

const codeOf = async (promise: Promise<unknown>) => {
  const error = await promise.catch((e: unknown) => e)
  expect(error).toBeInstanceOf(TRPCError)
  return (error as TRPCError).code
}

describe('appRouter over the real services', () => {
  it('compression and classification fail with SERVICE_UNAVAILABLE while the ML service is down', async () => {
    expect(await codeOf(caller.compression.compress({ text: 'hello there' }))).toBe(
      'SERVICE_UNAVAILABLE',
    )
    expect(
      await codeOf(
        caller.compression.compressMessages({ messages: [{ role: 'user', content: 'hello' }] }),
      ),
    ).toBe('SERVICE_UNAVAILABLE')
    expect(await codeOf(caller.classification.classify({ prompt: 'hello there' }))).toBe(
      'SERVICE_UNAVAILABLE',
    )
  })

  it('rejects bad input with BAD_REQUEST before any service runs', async () => {
    expect(await codeOf(caller.compression.compress({ text: '' }))).toBe('BAD_REQUEST')
    expect(await codeOf(caller.compression.compressMessages({ messages: [] }))).toBe('BAD_REQUEST')
    expect(
      await codeOf(caller.classification.classify({ prompt: 'x', categories: ['a', 'a'] })),
    ).toBe('BAD_REQUEST')
    // @ts-expect-error wrong type on purpose
    expect(await codeOf(caller.generation.stream({ prompt: 1, model: 'm' }))).toBe('BAD_REQUEST')
    expect(await codeOf(caller.routing.stream({}))).toBe('BAD_REQUEST')
  })

  it('streams generation events in order: metadata, text…, end', async () => {
    const events: StreamEvent[] = []
    const stream = await caller.generation.stream({
      prompt: 'one two three',
      model: 'groq/llama-3.3-70b-versatile',
    })
    for await (const item of stream) {
      // At run time a caller yields tRPC's tracked envelope [id, event, marker].
      events.push((item as unknown as [string, StreamEvent])[1])
    }
    const types = events.map((e) => e.type)
    expect(types[0]).toBe('metadata')
    expect(types.at(-1)).toBe('end')
    expect(
      events
        .filter((e) => e.type === 'text')
        .map((e) => (e.type === 'text' ? e.delta : ''))
        .join(''),
    ).toBe('Echo: one two three')
  })

  it('lists models with availability and rankings from the catalog', async () => {
    const { models } = await caller.models.list()
    const groq = models.filter((m) => m.provider === 'groq')
    expect(groq.length).toBeGreaterThan(0)
    expect(groq.every((m) => m.available)).toBe(true)
    expect(models.filter((m) => m.provider === 'openrouter').every((m) => !m.available)).toBe(true)
    const { categories } = await caller.models.rankings()
    expect(categories.map((c) => c.id)).toContain('reasoning')
  })

  it('reports health as down while the ML service is down', async () => {
    const health = await caller.system.health()
    expect(health.status).toBe('down')
    expect(health.dependencies.find((d) => d.name === 'groq')?.status).toBe('up')
  })
})
