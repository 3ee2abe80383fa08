// A query retry policy for the admin views: one retry for a flaky network or server, none when
// the server refused or rejected the request, since asking again only delays the explanation.
import { TRPCClientError } from '@trpc/client'

const FINAL_CODES = new Set(['UNAUTHORIZED', 'FORBIDDEN', 'BAD_REQUEST', 'NOT_FOUND'])

export const retryTransient = (failureCount: number, error: unknown): boolean =>
  failureCount < 1 && !(error instanceof TRPCClientError && FINAL_CODES.has(error.data?.code))
