// Refuses a request body that is not JSON with 415. A `text/plain` POST is a CORS "simple"
// request, sent without a preflight, so any web page could otherwise start generations on a
// local gateway with auth off; a JSON content type always takes a preflight, which CORS_ORIGINS
// answers. Requests without a body (GET queries, tRPC subscriptions, OPTIONS) pass.
import type { Context, MiddlewareHandler } from 'hono'
import type { AppEnv } from '../app-env'

export type RequireJsonOptions = {
  /** Answers a refused request in its API's error format; `message` says what was sent. */
  onError: (c: Context<AppEnv>, message: string) => Response | Promise<Response>
}

// application/json and the structured-syntax suffix (application/vnd.api+json, …+json).
const jsonMediaType = /^application\/(?:[\w.+-]+\+)?json$/

/** Whether a Content-Type header names JSON, parameters (charset) aside. */
export const isJsonContentType = (header: string | undefined): boolean =>
  jsonMediaType.test(header?.split(';', 1)[0]?.trim().toLowerCase() ?? '')

// From the headers alone, as limitBody does: reading `c.req.raw.body` would make
// @hono/node-server build a full web Request for every call.
const hasBody = (c: Context<AppEnv>): boolean => {
  if (c.req.header('transfer-encoding') !== undefined) return true
  const length = c.req.header('content-length')
  if (length !== undefined) return length.trim() !== '0'
  // HTTP/1.1 has no body without one of the two headers; a web Request (tests) may still have one.
  if (c.env?.incoming) return false
  return c.req.raw.body !== null
}

const bodyless = new Set(['GET', 'HEAD', 'OPTIONS'])

export const requireJson = ({ onError }: RequireJsonOptions): MiddlewareHandler<AppEnv> =>
  async function requireJsonMiddleware(c, next) {
    if (bodyless.has(c.req.method)) return next()
    const contentType = c.req.header('content-type')
    if (isJsonContentType(contentType) || !hasBody(c)) return next()
    const sent = contentType ? `Content-Type ${JSON.stringify(contentType.slice(0, 100))}` : 'none'
    return onError(
      c,
      `request body must be JSON: send Content-Type: application/json (got ${sent})`,
    )
  }
