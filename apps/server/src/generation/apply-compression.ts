// Decides whether to compress the latest user turn (request option, then the catalog's policy
// for the category) and does it through the CompressionService. A failed compression never fails
// the request: the prompt goes out uncompressed and the decision says why.
import type {
  CallOptions,
  ChatMessage,
  CompressionDecision,
  CompressionService,
  CompressOption,
} from '@tokenflow/api'
import type { Catalog } from '@tokenflow/catalog'
import { estimateTokens } from './estimate-tokens'

export type CompressionResult = {
  messages: ChatMessage[]
  decision: CompressionDecision
  savedTokens: number
}

type Plan = { ratio: number } | { skip: string }

const plan = (
  option: CompressOption,
  catalog: Catalog,
  category: string | null,
  tokens: number,
): Plan => {
  if (option === 'off') return { skip: 'compression off for this request' }
  if (typeof option === 'object') return { ratio: option.ratio }
  const policy =
    (category ? catalog.compression.byCategory[category] : undefined) ?? catalog.compression.default
  const scope = category ? `category ${category}` : 'default policy'
  if (!policy.enabled) return { skip: `policy: never compress (${scope})` }
  if (tokens < policy.minTokens) {
    return { skip: `policy: ~${tokens} tokens is under the ${policy.minTokens}-token threshold` }
  }
  if (policy.ratio >= 1) return { skip: `policy: ratio 1 (${scope})` }
  return { ratio: policy.ratio }
}

const skipped = (messages: ChatMessage[], reason: string): CompressionResult => ({
  messages,
  savedTokens: 0,
  decision: {
    applied: false,
    reason,
    method: null,
    model: null,
    originalTokens: null,
    compressedTokens: null,
    ratio: null,
  },
})

export const applyCompression = async (
  compression: CompressionService,
  catalog: Catalog,
  messages: ChatMessage[],
  option: CompressOption,
  category: string | null,
  options: CallOptions,
): Promise<CompressionResult> => {
  const index = messages.findLastIndex((message) => message.role === 'user')
  const turn = messages[index]
  if (!turn) return skipped(messages, 'no user turn to compress')
  const decided = plan(option, catalog, category, estimateTokens(turn.content))
  if ('skip' in decided) return skipped(messages, decided.skip)
  try {
    const result = await compression.compress({ text: turn.content, ratio: decided.ratio }, options)
    const compressed = messages.map((message, i) =>
      i === index ? { ...message, content: result.compressedText || turn.content } : message,
    )
    return {
      messages: compressed,
      savedTokens: Math.max(0, result.originalTokens - result.compressedTokens),
      decision: {
        applied: true,
        reason:
          typeof option === 'object'
            ? `requested ratio ${decided.ratio}`
            : `policy: ratio ${decided.ratio}${category ? ` for ${category}` : ''}`,
        method: result.method,
        model: result.model,
        originalTokens: result.originalTokens,
        compressedTokens: result.compressedTokens,
        ratio: result.compressionRatio,
      },
    }
  } catch (error) {
    if (options.signal?.aborted) throw error
    const message = error instanceof Error ? error.message : String(error)
    return skipped(messages, `compression failed, sent uncompressed: ${message}`)
  }
}
