import type { TRPCRouterRecord } from '@trpc/server'
import { compressInputSchema, compressOutputSchema } from '../schemas/compression'
import { publicProcedure } from '../trpc'

export const compressionRouter = {
  compress: publicProcedure
    .input(compressInputSchema)
    .output(compressOutputSchema)
    .mutation(({ ctx, input, signal }) =>
      ctx.services.compression.compress(input, { signal, requestId: ctx.requestId }),
    ),
} satisfies TRPCRouterRecord
