import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serveApp } from '../../test/serve-app'
import type { AppEnv } from '../app-env'
import { limitBody } from './body-limit'

// Over real sockets, where the declared-length and no-body shortcuts apply.
describe('limitBody under @hono/node-server', () => {
  const app = new Hono<AppEnv>()
  app.use('*', limitBody({ maxSize: 100, onError: (c) => c.json({ error: 'too large' }, 413) }))
  app.all('*', async (c) => c.json({ bytes: (await c.req.text()).length }))
  let server: Awaited<ReturnType<typeof serveApp>>
  beforeAll(async () => {
    server = await serveApp(app)
  })
  afterAll(() => server.close())

  it('passes a body within the limit and a request without one', async () => {
    const small = await fetch(`${server.url}/x`, { method: 'POST', body: 'a'.repeat(100) })
    expect(await small.json()).toEqual({ bytes: 100 })
    const none = await fetch(`${server.url}/x`)
    expect(await none.json()).toEqual({ bytes: 0 })
  })

  it('refuses a declared length over the limit', async () => {
    const response = await fetch(`${server.url}/x`, { method: 'POST', body: 'a'.repeat(101) })
    expect(response.status).toBe(413)
  })

  it('counts a chunked body and refuses it once past the limit', async () => {
    const chunked = (size: number) =>
      fetch(`${server.url}/x`, {
        method: 'POST',
        body: new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('a'.repeat(size)))
            controller.close()
          },
        }),
        duplex: 'half',
      } as RequestInit)
    expect((await chunked(150)).status).toBe(413)
    expect(await (await chunked(50)).json()).toEqual({ bytes: 50 })
  })
})
