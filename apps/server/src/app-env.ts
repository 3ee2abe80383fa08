// Per-request variables the middleware sets on the Hono context.
export type AppEnv = {
  Variables: {
    requestId: string
    /** Short hash of the caller's API key when auth is on; never the key itself. */
    apiKeyId?: string
  }
}
