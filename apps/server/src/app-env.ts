// Per-request variables the middleware sets on the Hono context, and the Node bindings
// @hono/node-server passes (absent under `app.request()` in tests).
import type { HttpBindings } from '@hono/node-server'

export type AppEnv = {
  Bindings: Partial<HttpBindings>
  Variables: {
    requestId: string
    /** Short hash of the caller's API key when auth is on; never the key itself. */
    apiKeyId?: string
    /** `openai` under /v1: error bodies in OpenAI's shape instead of the REST API's. */
    errorDialect?: 'openai'
    /** Aborted when the client leaves (clientSignal). */
    clientSignal?: AbortSignal
    /** Starts an event stream answered by sseResponse, once every middleware ran. */
    sendStream?: () => void
  }
}
