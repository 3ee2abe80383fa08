// Decides what of a conversation to compress (request option, then the catalog's policy for the
// category) and does it in one CompressionService.compressMessages call: system prompts stay
// verbatim, earlier turns are compressed, and the latest user turn too when it is long. A failed
// compression never fails the request: the messages go out uncompressed and the decision says why.
import {
  type CallOptions,
  type ChatMessage,
  type CompressionDecision,
  type CompressionService,
  type CompressOption,
  MAX_QUESTION_CHARS,
} from '@tokenflow/api'
import type { Catalog } from '@tokenflow/catalog'
import { estimateTokens } from '../models/estimate-tokens'

export type CompressionResult = {
  messages: ChatMessage[]
  decision: CompressionDecision
  savedTokens: number
}

type Plan = { ratio: number; latest: boolean; reason: string } | { skip: string }

const plan = (
  option: CompressOption,
  catalog: Catalog,
  category: string | null,
  tokens: number,
  hasHistory: boolean,
): Plan => {
  if (option === 'off') return { skip: 'compression off for this request' }
  if (typeof option === 'object') {
    return { ratio: option.ratio, latest: true, reason: `requested ratio ${option.ratio}` }
  }
  const policy =
    (category ? catalog.compression.byCategory[category] : undefined) ?? catalog.compression.default
  const scope = category ? `category ${category}` : 'default policy'
  if (!policy.enabled) return { skip: `policy: never compress (${scope})` }
  if (policy.ratio >= 1) return { skip: `policy: ratio 1 (${scope})` }
  const reason = `policy: ratio ${policy.ratio}${category ? ` for ${category}` : ''}`
  if (tokens >= policy.minTokens) return { ratio: policy.ratio, latest: true, reason }
  const under = `~${tokens} tokens is under the ${policy.minTokens}-token threshold`
  if (!hasHistory) return { skip: `policy: ${under}` }
  return { ratio: policy.ratio, latest: false, reason: `${reason}, latest turn kept (${under})` }
}

// The last paragraph of a long turn is usually what it asks; the compressor keeps what answers it.
const questionOf = (turn: string): string | undefined => {
  const whole = turn.trim()
  const last = whole
    .split(/\n\s*\n/)
    .at(-1)
    ?.trim()
  return last && last.length < whole.length && last.length <= MAX_QUESTION_CHARS ? last : undefined
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
  const isHistory = (message: ChatMessage, i: number) => message.role !== 'system' && i !== index
  const tokens = estimateTokens(turn.content)
  const decided = plan(option, catalog, category, tokens, messages.some(isHistory))
  if ('skip' in decided) return skipped(messages, decided.skip)
  const open = messages.map(
    (message, i) => isHistory(message, i) || (i === index && decided.latest),
  )
  const question = questionOf(turn.content)
  try {
    const result = await compression.compressMessages(
      {
        messages: messages.map(({ role, content }, i) => ({ role, content, compress: open[i] })),
        ratio: decided.ratio,
        ...(question ? { question } : {}),
      },
      options,
    )
    if (result.messages.length !== messages.length) {
      throw new Error(`${result.messages.length} messages came back for ${messages.length}`)
    }
    return {
      // Kept messages go out byte for byte as they came, and so does one compressed to nothing
      // (providers refuse empty content).
      messages: messages.map((message, i) => ({
        ...message,
        content: (open[i] && result.messages[i]?.content) || message.content,
      })),
      savedTokens: Math.max(0, result.originalTokens - result.compressedTokens),
      decision: {
        applied: true,
        reason: decided.reason,
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
