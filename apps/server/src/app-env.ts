// Per-request variables the middleware sets on the Hono context.
export type AppEnv = {
  Variables: {
    requestId: string
    /** Short hash of the caller's API key when auth is on; never the key itself. */
    apiKeyId?: string
    /** `openai` under /v1: error bodies in OpenAI's shape instead of the REST API's. */
    errorDialect?: 'openai'
  }
}
