// Per-request variables the middleware sets on the Hono context, and the Node bindings
// @hono/node-server passes (absent under `app.request()` in tests).
import type { HttpBindings } from '@hono/node-server'
import type { VirtualKey } from './store/store'

export type AppEnv = {
  Bindings: Partial<HttpBindings>
  Variables: {
    requestId: string
    /**
     * Who is calling: a virtual key's id, or the short hash of a static key (never the key
     * itself); unset without a key.
     */
    apiKeyId?: string
    /** The caller's virtual key (limits, budget, models); unset for static keys and no key. */
    virtualKey?: VirtualKey
    /** `openai` under /v1: error bodies in OpenAI's shape instead of the REST API's. */
    errorDialect?: 'openai'
    /** Aborted when the client leaves (clientSignal). */
    clientSignal?: AbortSignal
    /** Starts an event stream answered by sseResponse, once every middleware ran. */
    sendStream?: () => void
  }
}
