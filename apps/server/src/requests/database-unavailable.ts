// A database statement that failed is the database's outage to the caller (SERVICE_UNAVAILABLE,
// REST 503), not an internal error; the store has logged it and /readyz reports it.
import { TRPCError } from '@trpc/server'

export const databaseUnavailable = (error: unknown): never => {
  throw new TRPCError({
    code: 'SERVICE_UNAVAILABLE',
    message: 'the database is unavailable; try again shortly',
    cause: error,
  })
}
