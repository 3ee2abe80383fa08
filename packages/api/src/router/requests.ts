import type { TRPCRouterRecord } from '@trpc/server'
import {
  requestGetInputSchema,
  requestListInputSchema,
  requestListSchema,
  requestRecordSchema,
} from '../schemas/requests'
import { adminProcedure } from '../trpc'

export const requestsRouter = {
  list: adminProcedure
    .input(requestListInputSchema)
    .output(requestListSchema)
    .query(({ ctx, input, signal }) =>
      ctx.services.requests.list(input, { signal, requestId: ctx.requestId }),
    ),
  get: adminProcedure
    .input(requestGetInputSchema)
    .output(requestRecordSchema)
    .query(({ ctx, input, signal }) =>
      ctx.services.requests.get(input, { signal, requestId: ctx.requestId }),
    ),
} satisfies TRPCRouterRecord
