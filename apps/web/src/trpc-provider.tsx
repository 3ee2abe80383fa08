// Wires the tRPC client and the query cache into React.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { type ReactNode, useState } from 'react'
import { createTrpcClient } from './create-trpc-client'
import { trpc } from './trpc'

type Props = {
  children: ReactNode
  /** Lets tests pass a client with their own links. */
  client?: ReturnType<typeof createTrpcClient>
}

export function TrpcProvider({ children, client }: Props) {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          // A failed mutation is the user's to retry; queries retry once for a flaky network.
          queries: { retry: 1, refetchOnWindowFocus: false },
          mutations: { retry: false },
        },
      }),
  )
  const [trpcClient] = useState(() => client ?? createTrpcClient())
  return (
    <trpc.Provider client={trpcClient} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </trpc.Provider>
  )
}
