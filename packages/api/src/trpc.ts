// The one initTRPC call: procedure builders and the error shape every client sees.
import { initTRPC, TRPCError } from '@trpc/server'
import { ZodError } from 'zod'
import type { Context } from './context'

export type InputIssue = { path: string; message: string }

const toIssues = (error: ZodError): InputIssue[] =>
  error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(input)',
    message: issue.message,
  }))

const t = initTRPC.context<Context>().create({
  sse: {
    // A comment every 3 s while a subscription waits (classification, compression, the first
    // token), so proxies with short idle timeouts keep the stream; the client reconnects with
    // its last event id when it hears nothing, server pings included, for 12 s.
    ping: { enabled: true, intervalMs: 3_000 },
    client: { reconnectAfterInactivityMs: 12_000 },
  },
  errorFormatter({ shape, error }) {
    const issues = error.cause instanceof ZodError ? toIssues(error.cause) : null
    return {
      ...shape,
      message: issues ? issues.map((i) => `${i.path}: ${i.message}`).join('; ') : shape.message,
      data: { ...shape.data, stack: undefined, issues },
    }
  },
})

export const createTRPCRouter = t.router
export const createCallerFactory = t.createCallerFactory
export const publicProcedure = t.procedure

/**
 * Admin only: static API keys (TOKENFLOW_API_KEYS), auth off, or an in-process caller. A virtual
 * key gets FORBIDDEN.
 */
export const adminProcedure = t.procedure.use(({ ctx, next }) => {
  if (ctx.caller && !ctx.caller.admin) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'this procedure needs an admin API key' })
  }
  return next()
})
