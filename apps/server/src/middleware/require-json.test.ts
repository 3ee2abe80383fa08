// The real gateway over real sockets: a body that is not JSON (text/plain and multipart are
// CORS-simple, sent by any web page without a preflight) gets 415 in each API's own error format
// and starts nothing; JSON bodies, bodiless requests and the real tRPC client pass.
import { createTokenFlowClient } from '@tokenflow/client'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { buildApp } from '../../test/build-app'
import { freePort } from '../../test/free-port'
import { readJson } from '../../test/read-json'
import { serveApp } from '../../test/serve-app'
import { isJsonContentType } from './require-json'

let server: Awaited<ReturnType<typeof serveApp>>
let built: Awaited<ReturnType<typeof buildApp>>

beforeAll(async () => {
  built = await buildApp({ ML_SERVICE_URL: `http://127.0.0.1:${await freePort()}` })
  server = await serveApp(built.app)
})
afterAll(() => server.close())

const post = (path: string, body: RequestInit['body'], headers: Record<string, string> = {}) =>
  fetch(`${server.url}${path}`, { method: 'POST', body, headers })

const generate = JSON.stringify({ prompt: 'hi', model: 'groq/llama-3.1-8b-instant' })
const chat = JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] })

describe('requireJson on the real gateway', () => {
  it('answers a text/plain POST to /api/generate with 415 in the REST error format', async () => {
    // fetch sends a string body as text/plain;charset=UTF-8, as a cross-site form or fetch would.
    const response = await post('/api/generate', generate, { origin: 'https://evil.example' })
    expect(response.status).toBe(415)
    const body = await readJson(response)
    expect(body).toEqual({
      error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: expect.stringContaining('must be JSON') },
    })
    expect(body.error.message).toContain('text/plain')
  })

  it('answers a text/plain POST to /v1/chat/completions in the OpenAI error format', async () => {
    const response = await post('/v1/chat/completions', chat, { 'content-type': 'text/plain' })
    expect(response.status).toBe(415)
    expect(await readJson(response)).toEqual({
      error: {
        message: expect.stringContaining('application/json'),
        type: 'invalid_request_error',
        param: null,
        code: 'unsupported_media_type',
      },
    })
  })

  it('answers a text/plain tRPC mutation with the error body a tRPC client reads', async () => {
    const response = await post('/trpc/compression.compress', JSON.stringify({ text: 'hello' }), {
      'content-type': 'text/plain',
    })
    expect(response.status).toBe(415)
    const body = await readJson(response)
    expect(body.error).toMatchObject({
      code: -32015,
      message: expect.stringContaining('must be JSON'),
      data: { code: 'UNSUPPORTED_MEDIA_TYPE', httpStatus: 415 },
    })
  })

  it('refuses multipart and chunked non-JSON bodies too', async () => {
    const form = new FormData()
    form.set('prompt', 'hi')
    expect((await post('/api/generate', form)).status).toBe(415)
    expect((await post('/trpc/compression.compress', form)).status).toBe(415)
    const chunked = await fetch(`${server.url}/api/compress`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"text":"hello"}'))
          controller.close()
        },
      }),
      duplex: 'half',
    } as RequestInit)
    expect(chunked.status).toBe(415)
  })

  it('passes JSON with a charset or a +json type, and requests without a body', async () => {
    const invalid = JSON.stringify({ prompt: 1 })
    for (const type of ['application/json; charset=utf-8', 'application/merge-patch+json']) {
      const response = await post('/api/generate', invalid, { 'content-type': type })
      expect(response.status).toBe(400)
    }
    // No body at all: the handler's own 400, not a media-type error.
    const empty = await fetch(`${server.url}/api/compress`, { method: 'POST' })
    expect(empty.status).toBe(400)
    expect((await readJson(empty)).error.code).toBe('BAD_REQUEST')
    expect((await fetch(`${server.url}/trpc/models.list`)).status).toBe(200)
    const preflight = await fetch(`${server.url}/api/generate`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:3000',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    })
    expect(preflight.status).toBe(204)
  })

  it('lets the real tRPC client through, and hands it a readable 415', async () => {
    const client = createTokenFlowClient({ url: server.url })
    // The ML service is down: the mutation got past the JSON check to the service.
    await expect(client.compression.compress.mutate({ text: 'hello world' })).rejects.toMatchObject(
      { data: { code: 'SERVICE_UNAVAILABLE' } },
    )
    const realFetch = globalThis.fetch
    const spy = vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) =>
      realFetch(input, {
        ...init,
        headers: { ...(init?.headers as Record<string, string>), 'content-type': 'text/plain' },
      }),
    )
    try {
      await expect(
        client.compression.compress.mutate({ text: 'hello world' }),
      ).rejects.toMatchObject({
        name: 'TRPCClientError',
        data: { code: 'UNSUPPORTED_MEDIA_TYPE', httpStatus: 415 },
      })
    } finally {
      spy.mockRestore()
    }
  })
})

describe('isJsonContentType', () => {
  it('accepts JSON media types whatever their parameters, and nothing else', () => {
    for (const type of [
      'application/json',
      'Application/JSON',
      'application/json;charset=UTF-8',
      'application/json ; charset=utf-8',
      'application/vnd.api+json',
    ]) {
      expect(isJsonContentType(type)).toBe(true)
    }
    for (const type of [
      undefined,
      '',
      'text/plain',
      'text/plain; charset=application/json',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/jsonp',
      'text/json',
    ]) {
      expect(isJsonContentType(type)).toBe(false)
    }
  })
})
