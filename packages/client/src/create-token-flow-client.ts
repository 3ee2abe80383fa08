// The typed Node client: queries and mutations go batched over HTTP, subscriptions over SSE; an
// unsubscribe before a stream's end cancels it on the server.
import type { AppRouter } from '@tokenflow/api'
import {
  createTRPCClient,
  httpBatchLink,
  httpSubscriptionLink,
  splitLink,
  type TRPCClient,
} from '@trpc/client'
import { EventSource } from 'eventsource'
import { cancelOnUnsubscribeLink } from './cancel-on-unsubscribe-link'

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
  const client: TokenFlowClient = createTRPCClient<AppRouter>({
    links: [
      cancelOnUnsubscribeLink(() => client),
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
  return client
}
