// Three gateway replicas behind HAProxy, sharing one Redis, on the fake provider: the rate limit
// holds across them, a stream survives the replica producing it (SIGKILL) or is read to its end
// from another one, and a cancel sent to another replica stops the upstream.
import { createTokenFlowClient } from '@tokenflow/client'
import { type FakeProvider, startFakeProvider } from '@tokenflow/fake-provider'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { type Stack, startStack } from '../src/stack'
import { burst } from './burst'
import { seqOf, sseFrames, type Tracked, trackedEventOf } from './sse-frames'

const LIMIT = 100
// One key per test: the limit counts per API key, so no test spends another's budget.
const KEYS = { rate: 'key-rate', kill: 'key-kill', finish: 'key-finish', cancel: 'key-cancel' }
const MODEL = 'groq/llama-3.1-8b-instant'
const UPSTREAM_MODEL = 'llama-3.1-8b-instant'

let fake: FakeProvider
let stack: Stack

beforeAll(async () => {
  fake = await startFakeProvider({ record: true })
  stack = await startStack({
    fakeProviderUrl: fake.url,
    gatewayEnv: {
      RATE_LIMIT_PER_MINUTE: String(LIMIT),
      TOKENFLOW_API_KEYS: Object.values(KEYS).join(','),
      STREAM_RESUME_WINDOW_MS: '10000',
    },
  })
})
afterAll(async () => {
  await stack?.stop()
  await fake?.close()
})

const auth = (key: string) => ({ authorization: `Bearer ${key}` })

const streamUrl = (base: string, input: unknown) =>
  `${base}/trpc/generation.stream?input=${encodeURIComponent(JSON.stringify(input))}`

const replicaOf = (response: Response) => {
  const id = response.headers.get('x-tokenflow-replica')
  const replica = stack.gateways.find((gateway) => gateway.id === id)
  if (!replica) throw new Error(`no replica named ${id}`)
  return replica
}

/** Tracked events until `stop` says so, the stream ends, or its connection breaks. */
const readEvents = async (
  response: Response,
  stop: (seen: Tracked[]) => boolean = () => false,
): Promise<Tracked[]> => {
  const seen: Tracked[] = []
  try {
    for await (const frame of sseFrames(response.body as ReadableStream<Uint8Array>)) {
      const tracked = trackedEventOf(frame)
      if (!tracked) continue
      seen.push(tracked)
      if (tracked.event.type === 'end' || tracked.event.type === 'error' || stop(seen)) break
    }
  } catch {
    // The replica serving it died: what arrived before is the result.
  }
  return seen
}

const textOf = (events: Tracked[]) =>
  events.map(({ event }) => (event.type === 'text' ? event.delta : '')).join('')

/** Each id once, and each seq one more than the one before. */
const expectContiguous = (events: Tracked[]) => {
  expect(new Set(events.map((tracked) => tracked.id)).size).toBe(events.length)
  const seqs = events.map((tracked) => seqOf(tracked.id))
  expect(seqs).toEqual(seqs.map((_, index) => (seqs[0] ?? 0) + index))
}

const completions = () =>
  fake.requests.filter((request) => request.path.endsWith('/chat/completions')).length

describe('gateway replicas behind HAProxy', () => {
  it(`holds ${LIMIT} requests a minute across the three replicas under a burst of 300`, async () => {
    const result = await burst(`${stack.url}/api/models`, KEYS.rate, 300)
    expect(result.other).toEqual([])
    expect(result.replicas.size).toBe(3)
    expect(result.ok).toBeGreaterThanOrEqual(LIMIT * 0.95)
    expect(result.ok).toBeLessThanOrEqual(LIMIT * 1.05)
    expect(result.ok + result.limited).toBe(300)
  })

  it('resumes on another replica after the producing one is killed: every event, then STREAM_INTERRUPTED', async () => {
    const chunks = Array.from({ length: 150 }, (_, i) => ` k${i}`)
    fake.script(UPSTREAM_MODEL, { kind: 'stream', chunks, delayMs: 40 })
    const input = { prompt: 'a long answer, please', model: MODEL }
    const first = await fetch(streamUrl(stack.url, input), { headers: auth(KEYS.kill) })
    expect(first.status).toBe(200)
    const producer = replicaOf(first)
    onTestFinished(() => producer.restart())
    // Killed once 20 events arrived; whatever else reaches this reader before its connection
    // breaks was produced too, and must be in the resumed stream.
    let killed: Promise<void> | undefined
    const seen = await readEvents(first, (events) => {
      if (events.length === 20) killed = producer.kill()
      return false
    })
    await killed
    expect(seen.length).toBeGreaterThanOrEqual(20)
    const from = seen[9] as Tracked

    const resumed = await fetch(streamUrl(stack.url, { ...input, lastEventId: from.id }), {
      headers: auth(KEYS.kill),
      signal: AbortSignal.timeout(30_000),
    })
    expect(resumed.status).toBe(200)
    expect(replicaOf(resumed).id).not.toBe(producer.id)
    const rest = await readEvents(resumed)
    expect(seqOf(rest[0]?.id ?? '')).toBe(seqOf(from.id) + 1)
    expectContiguous([from, ...rest])
    expect(rest.slice(0, seen.length - 10)).toEqual(seen.slice(10))
    expect(rest.at(-1)?.event).toMatchObject({
      type: 'error',
      code: 'STREAM_INTERRUPTED',
      retryable: true,
    })
    const text = textOf([...seen.slice(0, 10), ...rest])
    expect(chunks.join('').startsWith(text)).toBe(true)
    expect(text.length).toBeLessThan(chunks.join('').length)
  }, 60_000)

  it('delivers the whole answer from another replica while the producer finishes normally', async () => {
    const chunks = Array.from({ length: 60 }, (_, i) => ` f${i}`)
    fake.script(UPSTREAM_MODEL, { kind: 'stream', chunks, delayMs: 30 })
    const requestsBefore = completions()
    const input = { prompt: 'an answer to finish elsewhere', model: MODEL }
    const reader = new AbortController()
    const first = await fetch(streamUrl(stack.url, input), {
      headers: auth(KEYS.finish),
      signal: reader.signal,
    })
    const producer = replicaOf(first)
    const seen = await readEvents(first, (events) => events.length === 10)
    // The client goes away; the producer keeps generating for the resume window.
    reader.abort()
    const other = stack.gateways.find((gateway) => gateway.id !== producer.id)
    if (!other) throw new Error('no second replica')
    const resumed = await fetch(
      streamUrl(other.url, { ...input, lastEventId: seen.at(-1)?.id ?? null }),
      { headers: auth(KEYS.finish), signal: AbortSignal.timeout(30_000) },
    )
    expect(resumed.headers.get('x-tokenflow-replica')).toBe(other.id)
    const all = [...seen, ...(await readEvents(resumed))]
    expectContiguous(all)
    expect(textOf(all)).toBe(chunks.join(''))
    expect(all.at(-1)?.event.type).toBe('end')
    // One upstream request: the other replica followed the producer's stream, it did not re-ask.
    expect(completions() - requestsBefore).toBe(1)
  }, 60_000)

  it('stops the upstream within 200 ms of a cancel sent to another replica', async () => {
    fake.script(UPSTREAM_MODEL, {
      kind: 'stream',
      chunks: Array.from({ length: 400 }, (_, i) => ` c${i}`),
      delayMs: 20,
    })
    const reader = new AbortController()
    onTestFinished(() => reader.abort())
    const response = await fetch(streamUrl(stack.url, { prompt: 'cancel me', model: MODEL }), {
      headers: auth(KEYS.cancel),
      signal: reader.signal,
    })
    const producer = replicaOf(response)
    const seen = await readEvents(response, (events) => events.length === 3)
    const metadata = seen[0]?.event
    if (metadata?.type !== 'metadata') throw new Error('the stream did not start with metadata')
    const other = stack.gateways.find((gateway) => gateway.id !== producer.id)
    if (!other) throw new Error('no second replica')
    const client = createTokenFlowClient({ url: other.url, apiKey: KEYS.cancel })
    const aborted = fake.nextAbort()
    const sentAt = performance.now()
    await expect(client.generation.cancel.mutate({ streamId: metadata.streamId })).resolves.toEqual(
      {
        cancelled: true,
      },
    )
    expect((await aborted) - sentAt).toBeLessThan(200)
  })
})
