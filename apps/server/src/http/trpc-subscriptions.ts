// tRPC subscriptions (`GET /trpc/<path>?input=…`) answered on the gateway's own event-stream
// writer, in the wire format of tRPC's SSE producer, so `httpSubscriptionLink` and the typed
// client read them unchanged. tRPC's producer passes every event through a ping race with a timer,
// three async-generator wrappers, a TransformStream that enqueues each line apart, a
// TextEncoderStream and @hono/node-server's web-stream pipe: twice the REST path's CPU per event.
// Here an event is one string written to the socket. The procedure itself still runs through tRPC
// (`callTRPCProcedure`: its input parsing, middleware and error shape); anything that is not a
// plain subscription call (batches, connection params) goes on to tRPC's own handler.
import {
  type AnyTRPCRouter,
  callTRPCProcedure,
  getTRPCErrorFromUnknown,
  getTRPCErrorShape,
  isTrackedEnvelope,
  TRPCError,
} from '@trpc/server'
import type { Context, MiddlewareHandler } from 'hono'
import type { AppEnv } from '../app-env'
import { sseResponse } from './sse-response'

export type TrpcSubscriptionsOptions<Router extends AnyTRPCRouter> = {
  router: Router
  /** Where the router is mounted, e.g. `/trpc`. */
  endpoint: string
  createContext: (c: Context<AppEnv>) => unknown
  /** Called with every error a subscription ends on, as tRPC's adapter calls its `onError`. */
  onError?: (opts: { error: TRPCError; path: string }) => void
}

// The events tRPC's SSE consumer knows besides data: the client's settings first, a ping while
// nothing else was sent, `return` at the end, an error shaped by the router's errorFormatter.
const PING = 'event: ping\ndata: \n\n'
const RETURN = 'event: return\ndata: \n\n'
const errorFrame = (shape: unknown) => `event: serialized-error\ndata: ${JSON.stringify(shape)}\n\n`
const dataFrame = (value: unknown) =>
  isTrackedEnvelope(value)
    ? `data: ${JSON.stringify(value[1])}\nid: ${value[0]}\n\n`
    : `data: ${JSON.stringify(value)}\n\n`

const isAbortError = (error: unknown) => error instanceof Error && error.name === 'AbortError'

/** The input as tRPC's adapter reads it: `?input=` JSON, with the last event id merged in. */
const inputOf = (query: Record<string, string>, lastEventIdHeader: string | undefined): unknown => {
  let input: unknown
  try {
    input = query.input ? JSON.parse(query.input) : undefined
  } catch (cause) {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: cause instanceof Error ? cause.message : 'Invalid input',
      cause,
    })
  }
  const lastEventId = lastEventIdHeader ?? query.lastEventId ?? query['Last-Event-Id']
  if (!lastEventId) return input
  if (typeof input === 'object' && input !== null) return { ...input, lastEventId }
  return input ?? { lastEventId }
}

export const trpcSubscriptions = <Router extends AnyTRPCRouter>({
  router,
  endpoint,
  createContext,
  onError,
}: TrpcSubscriptionsOptions<Router>): MiddlewareHandler<AppEnv> => {
  const config = router._def._config
  const ping = config.sse?.ping
  const heartbeatMs = ping?.enabled ? (ping.intervalMs ?? 1_000) : 0
  const connected = `event: connected\ndata: ${JSON.stringify(config.sse?.client ?? {})}\n\n`
  const prefix = `${endpoint}/`

  return async function trpcSubscriptionsMiddleware(c, next) {
    if (c.req.method !== 'GET') return next()
    // Hono has decoded the path already.
    const path = c.req.path.slice(prefix.length)
    const procedure = router._def.procedures[path] as { _def?: { type: string } } | undefined
    if (procedure?._def?.type !== 'subscription') return next()
    const query = c.req.query()
    if ('batch' in query || 'connectionParams' in query) return next()

    const ctx = await createContext(c)
    return sseResponse(
      c,
      { heartbeatMs, heartbeat: PING, headers: { 'cache-control': 'no-cache, no-transform' } },
      async (writer) => {
        let input: unknown
        let iterator: AsyncIterator<unknown> | undefined
        writer.write(connected)
        try {
          input = inputOf(query, c.req.header('last-event-id'))
          const events = await callTRPCProcedure({
            router,
            path,
            getRawInput: async () => input,
            ctx,
            type: 'subscription',
            signal: writer.signal,
            batchIndex: 0,
          })
          if (!events || typeof events !== 'object' || !(Symbol.asyncIterator in events)) {
            throw new TRPCError({
              code: 'INTERNAL_SERVER_ERROR',
              message: `Subscription ${path} did not return an AsyncGenerator`,
            })
          }
          iterator = (events as AsyncIterable<unknown>)[Symbol.asyncIterator]()
          while (!writer.signal.aborted) {
            const next = await iterator.next()
            if (next.done) {
              iterator = undefined
              await writer.write(RETURN)
              break
            }
            await writer.write(dataFrame(next.value))
          }
        } catch (cause) {
          iterator = undefined
          if (!writer.signal.aborted && !isAbortError(cause)) {
            const error = getTRPCErrorFromUnknown(cause)
            onError?.({ error, path })
            const shape = getTRPCErrorShape({
              config,
              error,
              type: 'subscription',
              path,
              input,
              ctx,
            })
            await writer.write(errorFrame(shape))
          }
        } finally {
          await iterator?.return?.()
          writer.end()
        }
      },
    )
  }
}
