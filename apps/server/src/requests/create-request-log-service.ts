// requests.list and requests.get: the request log as the console reads it, from the database.
import type { RequestLogService } from '@tokenflow/api'
import { TRPCError } from '@trpc/server'
import type { RequestLog } from '../store/store'
import { databaseUnavailable } from './database-unavailable'

export const createRequestLogService = (
  requests: Pick<RequestLog, 'list' | 'get'>,
): RequestLogService => ({
  list: (input) => requests.list(input).catch(databaseUnavailable),
  get: async ({ id }) => {
    const row = await requests.get(id).catch(databaseUnavailable)
    if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: `no request ${id} in the log` })
    return row
  },
})
