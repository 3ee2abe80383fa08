// One client for the browser: queries and mutations batched over HTTP, subscriptions over the
// browser's EventSource. Both use the same-origin /trpc path that Vite proxies to the server.
import { httpBatchLink, httpSubscriptionLink, splitLink } from '@trpc/client'
import { trpc } from './trpc'

export const createTrpcClient = (url = '/trpc') =>
  trpc.createClient({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({ url }),
        false: httpBatchLink({ url }),
      }),
    ],
  })
