// Renders a component against the real appRouter, in process, with the services a test passes
// (the same seam apps/server fills), so views are tested through real tRPC calls, and through the
// browser client's cancel-on-unsubscribe link.

import { render } from '@testing-library/react'
import { appRouter, createContext, type Services } from '@tokenflow/api'
import { cancelOnUnsubscribeLink } from '@tokenflow/client/cancel-on-unsubscribe-link'
import { unstable_localLink } from '@trpc/client'
import { TRPCError } from '@trpc/server'
import type { ReactNode } from 'react'
import { trpc } from '../trpc'
import { TrpcProvider } from '../trpc-provider'

const notImplemented = (): never => {
  throw new TRPCError({ code: 'NOT_IMPLEMENTED', message: 'not part of this test' })
}

const unusedServices: Services = {
  compression: {
    compress: async () => notImplemented(),
    compressMessages: async () => notImplemented(),
  },
  classification: { classify: async () => notImplemented() },
  generation: { stream: async () => notImplemented(), cancel: () => notImplemented() },
  routing: { stream: async () => notImplemented(), cancel: () => notImplemented() },
  models: { list: async () => ({ models: [] }), rankings: async () => ({ categories: [] }) },
  health: { check: async () => notImplemented() },
  usage: { summary: async () => notImplemented(), timeseries: async () => notImplemented() },
  requests: { list: async () => notImplemented(), get: async () => notImplemented() },
  keys: {
    create: async () => notImplemented(),
    list: async () => notImplemented(),
    revoke: async () => notImplemented(),
  },
}

export function renderWithServices(ui: ReactNode, services: Partial<Services>) {
  const client = trpc.createClient({
    links: [
      cancelOnUnsubscribeLink(() => client),
      unstable_localLink({
        router: appRouter,
        createContext: async () => createContext({ ...unusedServices, ...services }),
      }),
    ],
  })
  return render(<TrpcProvider client={client}>{ui}</TrpcProvider>)
}
