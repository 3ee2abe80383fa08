// The `fetch` both provider SDKs call, on undici's request API with one keep-alive pool per
// upstream origin. The global fetch runs every request and response body through several layers of
// web streams, one of the largest CPU costs in the streaming hot path's profile.
// The SDKs still get a standard Response, so their parsing, errors and abort handling are theirs.
import type { Readable } from 'node:stream'
import { Agent, request } from 'undici'

export type UpstreamFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>

/** What undici reads ahead of the SDK per response before it stops reading the socket. */
const UPSTREAM_BUFFER_BYTES = 16 * 1024

// No body is allowed on these statuses; Response refuses to build one with a stream.
const nullBodyStatus = new Set([101, 103, 204, 205, 304])

const requestHeaders = (headers: RequestInit['headers']): Record<string, string> => {
  if (!headers) return {}
  if (headers instanceof Headers) return Object.fromEntries(headers)
  if (Array.isArray(headers)) return Object.fromEntries(headers)
  return headers as Record<string, string>
}

const responseHeaders = (raw: Record<string, string | string[] | undefined>): Headers => {
  const headers = new Headers()
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue
    if (Array.isArray(value)) for (const item of value) headers.append(name, item)
    else headers.append(name, value)
  }
  return headers
}

/**
 * A chunk that is a small slice of a large read buffer is copied: kept as a slice, a queued 1 KB
 * event would hold its whole 64 KB socket read in memory.
 */
const compact = (chunk: Buffer): Uint8Array =>
  chunk.byteLength * 4 < chunk.buffer.byteLength ? Uint8Array.prototype.slice.call(chunk) : chunk

/**
 * The body as a web stream read only when the SDK asks for more: a consumer that stops (a
 * client that stopped reading, the stream waiting for it) stops the reads from the provider
 * once undici's small buffer is full, and the provider's TCP stream stalls instead.
 */
const webBody = (body: Readable): ReadableStream<Uint8Array> => {
  const chunks = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = await chunks.next()
        if (next.done) controller.close()
        else controller.enqueue(compact(next.value))
      },
      cancel(reason) {
        body.destroy(reason instanceof Error ? reason : undefined)
      },
    },
    { highWaterMark: 0 },
  )
}

export const createUpstreamFetch = (): UpstreamFetch => {
  // keepAliveTimeout stays under the 5 s most servers (Node's included) use, so a pooled socket is
  // not reused just as the server closes it.
  const dispatcher = new Agent({ keepAliveTimeout: 4_000, connections: null })
  return async (input, init = {}) => {
    if (input instanceof Request) throw new TypeError('upstream fetch takes a URL, not a Request')
    if (init.body !== undefined && init.body !== null && typeof init.body !== 'string') {
      throw new TypeError('upstream fetch sends string bodies only')
    }
    const response = await request(input, {
      method: (init.method ?? 'GET') as 'GET',
      headers: requestHeaders(init.headers),
      body: init.body ?? undefined,
      signal: init.signal ?? undefined,
      dispatcher,
      highWaterMark: UPSTREAM_BUFFER_BYTES,
    })
    const headers = responseHeaders(response.headers)
    if (nullBodyStatus.has(response.statusCode)) {
      response.body.resume()
      return new Response(null, { status: response.statusCode, headers })
    }
    return new Response(webBody(response.body), { status: response.statusCode, headers })
  }
}
