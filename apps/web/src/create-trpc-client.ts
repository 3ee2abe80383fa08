// One client for the browser: queries and mutations batched over HTTP, subscriptions over the
// browser's EventSource. Both use the same-origin /trpc path that Vite proxies to the server.
// Stop unsubscribes, and the unsubscribe cancels the stream on the server (its upstream stops
// at once instead of after the resume window).
import { cancelOnUnsubscribeLink } from '@tokenflow/client/cancel-on-unsubscribe-link'
import { httpBatchLink, httpSubscriptionLink, splitLink } from '@trpc/client'
import { trpc } from './trpc'

export const createTrpcClient = (url = '/trpc') => {
  const client = trpc.createClient({
    links: [
      cancelOnUnsubscribeLink(() => client),
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({ url }),
        false: httpBatchLink({ url }),
      }),
    ],
  })
  return client
}
