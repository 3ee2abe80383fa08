import type { TRPCRouterRecord } from '@trpc/server'
import {
  keyCreatedSchema,
  keyCreateInputSchema,
  keyListSchema,
  keyRevokedSchema,
  keyRevokeInputSchema,
} from '../schemas/keys'
import { adminProcedure } from '../trpc'

export const keysRouter = {
  create: adminProcedure
    .input(keyCreateInputSchema)
    .output(keyCreatedSchema)
    .mutation(({ ctx, input, signal }) =>
      ctx.services.keys.create(input, { signal, requestId: ctx.requestId }),
    ),
  list: adminProcedure
    .output(keyListSchema)
    .query(({ ctx, signal }) => ctx.services.keys.list({ signal, requestId: ctx.requestId })),
  revoke: adminProcedure
    .input(keyRevokeInputSchema)
    .output(keyRevokedSchema)
    .mutation(({ ctx, input, signal }) =>
      ctx.services.keys.revoke(input, { signal, requestId: ctx.requestId }),
    ),
} satisfies TRPCRouterRecord
