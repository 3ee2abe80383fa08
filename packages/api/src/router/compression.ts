import type { TRPCRouterRecord } from '@trpc/server'
import {
  compressInputSchema,
  compressMessagesInputSchema,
  compressMessagesOutputSchema,
  compressOutputSchema,
} from '../schemas/compression'
import { publicProcedure } from '../trpc'

export const compressionRouter = {
  compress: publicProcedure
    .input(compressInputSchema)
    .output(compressOutputSchema)
    .mutation(({ ctx, input, signal }) =>
      ctx.services.compression.compress(input, { signal, requestId: ctx.requestId }),
    ),
  compressMessages: publicProcedure
    .input(compressMessagesInputSchema)
    .output(compressMessagesOutputSchema)
    .mutation(({ ctx, input, signal }) =>
      ctx.services.compression.compressMessages(input, { signal, requestId: ctx.requestId }),
    ),
} satisfies TRPCRouterRecord
