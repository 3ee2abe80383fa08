// CompressionService over the ML service's POST /compress and /compress/messages, through the
// result cache when it is given one.
import type {
  CallOptions,
  CompressInput,
  CompressionService,
  CompressMessageRole,
  CompressMessagesInput,
  CompressMessagesOutput,
  CompressOutput,
} from '@tokenflow/api'
import { cachedMlPost } from '../cache/cached-ml-post'
import type { ResultCache } from '../cache/result-cache'
import type {
  CompressMessagesRequest,
  CompressMessagesResponse,
  CompressRequest,
  CompressResponse,
} from '../ml/ml-api'
import type { MlClient } from '../ml/ml-client'
import { toTRPCError } from '../ml/to-trpc-error'

type CompressOptions = Omit<CompressInput, 'text'>

// Unset options are left out, so the ML service applies its configured defaults.
const toCompressOptions = (input: CompressOptions): Omit<CompressRequest, 'text'> => ({
  ...(input.ratio !== undefined ? { ratio: input.ratio } : {}),
  ...(input.targetTokens !== undefined ? { target_tokens: input.targetTokens } : {}),
  ...(input.method ? { method: input.method } : {}),
  ...(input.forceTokens ? { force_tokens: input.forceTokens } : {}),
  ...(input.preserve ? { preserve: input.preserve } : {}),
  ...(input.question !== undefined ? { question: input.question } : {}),
})

export const toCompressRequest = (input: CompressInput): CompressRequest => ({
  text: input.text,
  ...toCompressOptions(input),
})

export const toCompressMessagesRequest = ({
  messages,
  ...options
}: CompressMessagesInput): CompressMessagesRequest => ({
  messages: messages.map(({ role, content, compress }) => ({
    role,
    content,
    ...(compress !== undefined ? { compress } : {}),
  })),
  ...toCompressOptions(options),
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

export const fromCompressMessagesResponse = (
  response: CompressMessagesResponse,
): CompressMessagesOutput => ({
  messages: response.messages.map((message) => ({
    // The service echoes the roles it was sent; the router's output schema refuses any other.
    role: message.role as CompressMessageRole,
    content: message.content,
    compressed: message.compressed,
    originalTokens: message.original_tokens,
    compressedTokens: message.compressed_tokens,
  })),
  originalTokens: response.original_tokens,
  compressedTokens: response.compressed_tokens,
  compressionRatio: response.compression_ratio,
  method: response.method,
  model: response.model,
  latencyMs: response.latency_ms,
  tokenizer: response.tokenizer ?? 'cl100k_base',
  question: response.question,
})

export const createCompressionService = (
  ml: Pick<MlClient, 'post'>,
  cache?: ResultCache,
): CompressionService => {
  const post = cachedMlPost(ml, cache, 'compression')
  // One ML call, its answer mapped to the router's shape, its failure to a TRPCError.
  const call = async <Response extends { latency_ms: number }, Output>(
    path: string,
    body: unknown,
    options: CallOptions | undefined,
    map: (response: Response) => Output,
  ): Promise<Output> => {
    try {
      return map(await post<Response>(path, body, options))
    } catch (error) {
      throw toTRPCError(error)
    }
  }
  return {
    compress: (input, options) =>
      call('/compress', toCompressRequest(input), options, fromCompressResponse),
    compressMessages: (input, options) =>
      call(
        '/compress/messages',
        toCompressMessagesRequest(input),
        options,
        fromCompressMessagesResponse,
      ),
  }
}
