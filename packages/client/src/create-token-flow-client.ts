// The typed Node client: queries and mutations go batched over HTTP, subscriptions over SSE.
import type { AppRouter } from '@tokenflow/api'
import {
  createTRPCClient,
  httpBatchLink,
  httpSubscriptionLink,
  splitLink,
  type TRPCClient,
} from '@trpc/client'
import { EventSource } from 'eventsource'

export type TokenFlowClientOptions = {
  /** Base URL of the TokenFlow server, e.g. http://localhost:8000 (the client appends /trpc). */
  url: string
  /** API key sent as a bearer token when the server requires one. */
  apiKey?: string
}

export type TokenFlowClient = TRPCClient<AppRouter>

export const createTokenFlowClient = ({ url, apiKey }: TokenFlowClientOptions): TokenFlowClient => {
  const endpoint = `${url.replace(/\/+$/, '')}/trpc`
  const headers = (): Record<string, string> =>
    apiKey ? { authorization: `Bearer ${apiKey}` } : {}
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({
          url: endpoint,
          // Node has no global EventSource; this one can send the API key as a header.
          EventSource,
          eventSourceOptions: () => ({
            fetch: (input, init) =>
              fetch(input, { ...init, headers: { ...init?.headers, ...headers() } }),
          }),
        }),
        false: httpBatchLink({ url: endpoint, headers }),
      }),
    ],
  })
}
