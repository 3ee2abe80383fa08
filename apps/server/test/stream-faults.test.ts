// The streaming faults of the hardening issue, against the real entry point in its own process
// with the fake provider as the upstream: a resume after a 3 s disconnect, cancel reaching the
// provider, and heartbeats while the provider hangs. (Stalled readers: stalled-readers.test.ts.)
import type { StreamEvent } from '@tokenflow/api'
import { createTokenFlowClient } from '@tokenflow/client'
import { type FakeProvider, startFakeProvider } from '@tokenflow/fake-provider'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Proc, startGatewayProcess } from '../../../bench/load/processes'
import { freePort } from './free-port'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

let fake: FakeProvider
let gateway: Proc

// A short heartbeat so it shows within a second; the defaults are documented in the README.
const settings = { SSE_HEARTBEAT_MS: '300' }

beforeAll(async () => {
  fake = await startFakeProvider({ record: true })
  gateway = await startGatewayProcess({
    ...settings,
    ML_SERVICE_URL: `http://127.0.0.1:${await freePort()}`,
    GROQ_API_KEY: 'gsk-fault-key',
    GROQ_BASE_URL: fake.url,
  })
}, 60_000)
afterAll(async () => {
  await gateway?.stop()
  await fake?.close()
})

const routed = {
  possibleCategories: ['text-to-text'],
  strategy: 'quality' as const,
  compress: 'off' as const,
}
// text-to-text, quality: Groq's llama-3.3-70b-versatile answers first.
const ROUTED_MODEL = 'llama-3.3-70b-versatile'

type SseFrame = { event?: string; id?: string; data?: string; comment?: string }

/** Reads an event stream frame by frame, with the raw comment lines kept. */
async function* framesOf(body: ReadableStream<Uint8Array>): AsyncGenerator<SseFrame> {
  const decoder = new TextDecoder()
  let buffer = ''
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true })
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const frame: SseFrame = {}
      for (const line of buffer.slice(0, end).split('\n')) {
        if (line.startsWith(':')) frame.comment = line.slice(1).trim()
        const at = line.indexOf(': ')
        const field = line.slice(0, at)
        if (field === 'event' || field === 'id' || field === 'data')
          frame[field] = line.slice(at + 2)
      }
      buffer = buffer.slice(end + 2)
      yield frame
    }
  }
}

const subscriptionUrl = (path: string, input: unknown) =>
  `${gateway.url}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`

/** The tRPC event of a data frame ({id, data} is tRPC's tracked envelope on the wire). */
const eventOf = (frame: SseFrame): StreamEvent | null =>
  frame.data && !frame.event ? (JSON.parse(frame.data) as StreamEvent) : null

describe('streams under faults', () => {
  it('resumes after a 3 s disconnect with the rest of the answer, exactly', async () => {
    const chunks = Array.from({ length: 120 }, (_, i) => ` r${i}`)
    fake.script(ROUTED_MODEL, { kind: 'stream', chunks, delayMs: 40 })
    const completions = () =>
      fake.requests.filter((request) => request.path.endsWith('/chat/completions')).length
    const requestsBefore = completions()
    const input = { ...routed, prompt: 'tell me a long story' }
    const first = new AbortController()
    const firstResponse = await fetch(subscriptionUrl('routing.stream', input), {
      signal: first.signal,
    })
    const seen: Array<{ id: string; event: StreamEvent }> = []
    for await (const frame of framesOf(firstResponse.body as ReadableStream<Uint8Array>)) {
      const event = eventOf(frame)
      if (event && frame.id) seen.push({ id: frame.id, event })
      if (seen.length === 10) break
    }
    first.abort()
    await sleep(3_000)
    const lastEventId = seen.at(-1)?.id
    const resumed = await fetch(subscriptionUrl('routing.stream', { ...input, lastEventId }))
    for await (const frame of framesOf(resumed.body as ReadableStream<Uint8Array>)) {
      const event = eventOf(frame)
      if (event && frame.id) seen.push({ id: frame.id, event })
      if (event?.type === 'end' || event?.type === 'error') break
    }
    expect(new Set(seen.map((item) => item.id)).size).toBe(seen.length)
    const text = seen.map(({ event }) => (event.type === 'text' ? event.delta : '')).join('')
    expect(text).toBe(chunks.join(''))
    expect(seen.at(-1)?.event.type).toBe('end')
    // One provider request: the reconnect found the answer still generating.
    expect(completions() - requestsBefore).toBe(1)
  }, 30_000)

  it("reaches the provider within 100 ms of the typed client's unsubscribe", async () => {
    fake.script(ROUTED_MODEL, {
      kind: 'stream',
      chunks: Array.from({ length: 200 }, (_, i) => ` c${i}`),
      delayMs: 20,
    })
    const client = createTokenFlowClient({ url: gateway.url })
    const abortSeen = fake.nextAbort()
    let unsubscribedAt = 0
    await new Promise<void>((resolve, reject) => {
      let texts = 0
      const subscription = client.routing.stream.subscribe(
        { ...routed, prompt: 'go on' },
        {
          onData: ({ data }) => {
            if (data.type === 'text') texts += 1
            if (texts === 3) {
              subscription.unsubscribe()
              unsubscribedAt = performance.now()
              resolve()
            }
          },
          onError: reject,
        },
      )
    })
    expect((await abortSeen) - unsubscribedAt).toBeLessThan(100)
  })

  it('sends metadata and heartbeats while the provider hangs, on REST and tRPC', async () => {
    fake.script('llama-3.1-8b-instant', { kind: 'hang' })
    const rest = new AbortController()
    const response = await fetch(`${gateway.url}/api/generate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'hello?', model: 'groq/llama-3.1-8b-instant' }),
      signal: rest.signal,
    })
    expect(response.status).toBe(200)
    const startedAt = performance.now()
    const restFrames: SseFrame[] = []
    for await (const frame of framesOf(response.body as ReadableStream<Uint8Array>)) {
      restFrames.push(frame)
      if (restFrames.filter((f) => f.comment === 'ping').length === 2) break
    }
    rest.abort()
    // Two heartbeats 300 ms apart, and the decision before them.
    expect(performance.now() - startedAt).toBeLessThan(1_500)
    expect(JSON.parse(restFrames[0]?.data ?? '{}')).toMatchObject({ event: 'metadata' })

    fake.script(ROUTED_MODEL, { kind: 'hang' })
    const trpc = new AbortController()
    const subscription = await fetch(
      subscriptionUrl('routing.stream', { ...routed, prompt: 'x' }),
      {
        signal: trpc.signal,
      },
    )
    const trpcFrames: SseFrame[] = []
    for await (const frame of framesOf(subscription.body as ReadableStream<Uint8Array>)) {
      trpcFrames.push(frame)
      if (frame.event === 'ping') break
    }
    trpc.abort()
    expect(trpcFrames.map(eventOf).find((event) => event?.type === 'metadata')).toBeTruthy()
    fake.reset()
  }, 15_000)
})
