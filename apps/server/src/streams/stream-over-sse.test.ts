// The real path a client takes: the tRPC HTTP adapter, SSE, and the typed client. Checks that an
// unsubscribe cancels the upstream, and that a dropped connection resumes from lastEventId with no
// text lost.
import { createServer, type Server } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { appRouter, createContext, type Services, type StreamEvent } from '@tokenflow/api'
import { createTokenFlowClient } from '@tokenflow/client'
import { type FakeProvider, startFakeProvider } from '@tokenflow/fake-provider'
import { createHTTPHandler } from '@trpc/server/adapters/standalone'
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest'
import { servicesOnFake } from '../../test/providers-on-fake'

let fake: FakeProvider
let server: Server | undefined
const sockets = new Set<Socket>()

const serve = async (services: Services) => {
  const handler = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    createContext: () => createContext(services),
  })
  server = createServer((req, res) => handler(req, res))
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

beforeAll(async () => {
  fake = await startFakeProvider()
})
afterEach(async () => {
  server?.closeAllConnections()
  await new Promise((resolve) => server?.close(resolve))
  fake.reset()
  fake.requests.length = 0
})
afterAll(() => fake.close())

const words = Array.from({ length: 40 }, (_, i) => ` w${i}`)
const input = {
  prompt: 'Tell me a story',
  possibleCategories: ['text-to-text'],
  strategy: 'quality' as const,
  compress: 'off' as const,
}

it('cancels the provider request within 100 ms of an unsubscribe over SSE', async () => {
  fake.script('llama-3.3-70b-versatile', { kind: 'stream', chunks: words, delayMs: 20 })
  const client = createTokenFlowClient({ url: await serve(await servicesOnFake(fake)) })
  const abortSeen = fake.nextAbort()
  let unsubscribedAt = 0
  const received: StreamEvent[] = []
  await new Promise<void>((resolve, reject) => {
    const subscription = client.routing.stream.subscribe(input, {
      onData: ({ data }) => {
        received.push(data)
        if (received.length === 4) {
          subscription.unsubscribe()
          unsubscribedAt = performance.now()
          resolve()
        }
      },
      onError: reject,
    })
  })
  expect((await abortSeen) - unsubscribedAt).toBeLessThan(100)
  expect(received.map((e) => e.type)).toEqual(['metadata', 'text', 'text', 'text'])
})

it('resumes after a dropped connection without duplicated or missing text', async () => {
  fake.script('llama-3.3-70b-versatile', { kind: 'stream', chunks: words, delayMs: 15 })
  const services = await servicesOnFake(fake)
  const client = createTokenFlowClient({ url: await serve(services) })
  const received: StreamEvent[] = []
  const ids: string[] = []
  let dropped = false
  await new Promise<void>((resolve, reject) => {
    const subscription = client.routing.stream.subscribe(input, {
      onData: ({ id, data }) => {
        ids.push(id)
        received.push(data)
        if (!dropped && received.length === 6) {
          dropped = true
          for (const socket of sockets) socket.destroy()
        }
        if (data.type === 'end' || data.type === 'error') {
          subscription.unsubscribe()
          resolve()
        }
      },
      onError: reject,
    })
  })
  const text = received.map((e) => (e.type === 'text' ? e.delta : '')).join('')
  expect(text).toBe(words.join(''))
  expect(new Set(ids).size).toBe(ids.length)
  expect(received.filter((e) => e.type === 'metadata')).toHaveLength(1)
  expect(received.at(-1)?.type).toBe('end')
  // One provider request: the reconnect attached to the live stream.
  expect(fake.requests.filter((r) => r.path.endsWith('/chat/completions'))).toHaveLength(1)
}, 30_000)
