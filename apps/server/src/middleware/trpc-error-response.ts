// An error that middleware answers under /trpc before the tRPC adapter runs, in the body tRPC
// itself writes for a request-level error: `{ error: shape }` through the router's
// errorFormatter. httpLink and httpBatchLink (which hands one non-array body to every call of a
// batch) then raise a TRPCClientError whose `data.code` names it.
import { type AnyTRPCRouter, getTRPCErrorShape, type TRPCError } from '@trpc/server'
import { getHTTPStatusCodeFromError } from '@trpc/server/http'
import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'

export const trpcErrorResponse = (c: Context, router: AnyTRPCRouter, error: TRPCError) => {
  const shape = getTRPCErrorShape({
    config: router._def._config,
    error,
    type: 'unknown',
    path: undefined,
    input: undefined,
    ctx: undefined,
  })
  return c.json({ error: shape }, getHTTPStatusCodeFromError(error) as ContentfulStatusCode)
}
