// tRPC subscriptions on the gateway's own event-stream writer, read by the real typed client and
// raw over HTTP: the wire format tRPC's SSE consumer expects (connected, tracked data, return,
// serialized-error), the router's error shape, Last-Event-ID resume, and the middleware in front.
import type { StreamEvent } from '@tokenflow/api'
import { createTokenFlowClient, type TokenFlowClient } from '@tokenflow/client'
import { type FakeProvider, startFakeProvider } from '@tokenflow/fake-provider'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../test/build-app'
import { freePort } from '../../test/free-port'
import { serveApp } from '../../test/serve-app'

const API_KEY = 'tf-subscriptions-key'
const MODEL = 'llama-3.1-8b-instant'
const words = Array.from({ length: 12 }, (_, i) => ` w${i}`)

let fake: FakeProvider
let gateway: Awaited<ReturnType<typeof serveApp>>
let client: TokenFlowClient

beforeAll(async () => {
  fake = await startFakeProvider()
  const { app } = await buildApp({
    ML_SERVICE_URL: `http://127.0.0.1:${await freePort()}`,
    GROQ_API_KEY: 'gsk-subscriptions',
    GROQ_BASE_URL: fake.url,
    TOKENFLOW_API_KEYS: API_KEY,
  })
  gateway = await serveApp(app)
  client = createTokenFlowClient({ url: gateway.url, apiKey: API_KEY })
})
afterAll(async () => {
  await gateway?.close()
  await fake?.close()
})

const input = { prompt: 'Count for me', model: `groq/${MODEL}` }
const url = (procedure: string, value: unknown) =>
  `${gateway.url}/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(value))}`
const auth = { authorization: `Bearer ${API_KEY}` }

type Frame = { event?: string; id?: string; data?: string }
const framesOf = (text: string): Frame[] =>
  text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const frame: Frame = {}
      for (const line of block.split('\n')) {
        const at = line.indexOf(': ')
        const field = line.slice(0, at)
        if (field === 'event' || field === 'id' || field === 'data') {
          frame[field] = line.slice(at + 2)
        }
      }
      return frame
    })

describe('tRPC subscriptions on the gateway writer', () => {
  it('streams to the typed client with tracked ids and completes on the return event', async () => {
    fake.script(MODEL, { kind: 'stream', chunks: words, delayMs: 0 })
    const ids: string[] = []
    const events: StreamEvent[] = []
    await new Promise<void>((resolve, reject) => {
      client.generation.stream.subscribe(input, {
        onData: ({ id, data }) => {
          ids.push(id)
          events.push(data)
        },
        onError: reject,
        onComplete: resolve,
      })
    })
    expect(events[0]?.type).toBe('metadata')
    expect(events.at(-1)?.type).toBe('end')
    expect(events.map((e) => (e.type === 'text' ? e.delta : '')).join('')).toBe(words.join(''))
    const [streamId] = (ids[0] ?? '').split(':')
    expect(ids).toEqual(ids.map((_, seq) => `${streamId}:${seq}`))
  })

  it('writes the frames of tRPC SSE producer behind the middleware', async () => {
    fake.script(MODEL, { kind: 'stream', chunks: words.slice(0, 3), delayMs: 0 })
    const response = await fetch(url('generation.stream', input), { headers: auth })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/event-stream')
    expect(response.headers.get('x-request-id')).toBeTruthy()
    const frames = framesOf(await response.text())
    expect(frames[0]).toEqual({ event: 'connected', data: '{"reconnectAfterInactivityMs":12000}' })
    expect(frames.at(-1)).toEqual({ event: 'return', data: '' })
    const data = frames.slice(1, -1)
    expect(data.every((f) => f.event === undefined && f.id && f.data)).toBe(true)
    expect(data.map((f) => (JSON.parse(f.data as string) as StreamEvent).type)).toEqual([
      'metadata',
      'text',
      'text',
      'text',
      'end',
    ])
  })

  it("ends a failed call with the router's error shape, which the client raises", async () => {
    const error = await new Promise<unknown>((resolve) => {
      client.generation.stream.subscribe(
        { ...input, model: 'groq/no-such-model' },
        { onData: () => resolve(new Error('data before the error')), onError: resolve },
      )
    })
    expect((error as Error).name).toBe('TRPCClientError')
    expect((error as { data: unknown }).data).toMatchObject({
      code: 'BAD_REQUEST',
      httpStatus: 400,
      path: 'generation.stream',
    })

    const invalid = await fetch(url('generation.stream', { prompt: '' }), { headers: auth })
    const frames = framesOf(await invalid.text())
    expect(frames.map((f) => f.event)).toEqual(['connected', 'serialized-error'])
    const shape = JSON.parse(frames[1]?.data as string) as {
      message: string
      data: { code: string; issues: { path: string }[] | null }
    }
    expect(shape.data.code).toBe('BAD_REQUEST')
    expect(shape.data.issues?.map((i) => i.path)).toContain('prompt')

    const unparsable = await fetch(`${gateway.url}/trpc/generation.stream?input=%7Bnope`, {
      headers: auth,
    })
    const parseFrames = framesOf(await unparsable.text())
    expect(parseFrames[1]?.event).toBe('serialized-error')
    expect(JSON.parse(parseFrames[1]?.data as string).data.code).toBe('BAD_REQUEST')
  })

  it('resumes after the Last-Event-ID header an EventSource sends on reconnect', async () => {
    fake.script(MODEL, { kind: 'stream', chunks: words, delayMs: 0 })
    const first = framesOf(
      await (await fetch(url('generation.stream', input), { headers: auth })).text(),
    ).filter((f) => f.id)
    const cut = first[4]
    const resumed = framesOf(
      await (
        await fetch(url('generation.stream', input), {
          headers: { ...auth, 'last-event-id': cut?.id as string },
        })
      ).text(),
    ).filter((f) => f.id)
    expect(resumed.map((f) => f.id)).toEqual(first.slice(5).map((f) => f.id))
  })

  it('leaves auth in front of it and other calls to tRPC', async () => {
    const refused = await fetch(url('generation.stream', input))
    expect(refused.status).toBe(401)
    const { models } = await client.models.list.query()
    expect(models.map((m) => m.id)).toContain(`groq/${MODEL}`)
  })
})
