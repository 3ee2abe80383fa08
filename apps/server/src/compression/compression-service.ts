// CompressionService over the ML service's POST /compress (LLMLingua).
import type { CompressInput, CompressionService, CompressOutput } from '@tokenflow/api'
import type { CompressRequest, CompressResponse } from '../ml/ml-api'
import type { MlClient } from '../ml/ml-client'
import { toTRPCError } from '../ml/to-trpc-error'

export const toCompressRequest = (input: CompressInput): CompressRequest => ({
  text: input.text,
  ...(input.ratio !== undefined ? { ratio: input.ratio } : {}),
  ...(input.targetTokens !== undefined ? { target_tokens: input.targetTokens } : {}),
  ...(input.method ? { method: input.method } : {}),
  ...(input.forceTokens ? { force_tokens: input.forceTokens } : {}),
  ...(input.preserve ? { preserve: input.preserve } : {}),
})

export const fromCompressResponse = (response: CompressResponse): CompressOutput => ({
  originalText: response.original_text,
  compressedText: response.compressed_text,
  originalTokens: response.original_tokens,
  compressedTokens: response.compressed_tokens,
  compressionRatio: response.compression_ratio,
  method: response.method,
  model: response.model,
  latencyMs: response.latency_ms,
  segments: response.segments.map(({ text, kept }) => ({ text, kept })),
})

export const createCompressionService = (ml: Pick<MlClient, 'post'>): CompressionService => ({
  async compress(input, options) {
    try {
      const response = await ml.post<CompressResponse>(
        '/compress',
        toCompressRequest(input),
        options,
      )
      return fromCompressResponse(response)
    } catch (error) {
      throw toTRPCError(error)
    }
  },
})
