// The typed React bindings for the TokenFlow API; every view talks to the server through these.
import type { AppRouter } from '@tokenflow/api'
import { createTRPCReact } from '@trpc/react-query'

export const trpc = createTRPCReact<AppRouter>()
