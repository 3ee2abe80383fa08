// Decides what of a conversation to compress (request option, then the catalog's policy for the
// category) and does it in one CompressionService.compressMessages call: system prompts stay
// verbatim, earlier turns are compressed, and the latest user turn too when it is long. A failed
// compression never fails the request: the messages go out uncompressed and the decision says why.
import {
  type CallOptions,
  type CompressionDecision,
  type CompressionService,
  type CompressMessageRole,
  type CompressOption,
  compressMessageRoleSchema,
  MAX_QUESTION_CHARS,
} from '@tokenflow/api'
import type { Catalog } from '@tokenflow/catalog'
import { estimateTokens } from '../models/estimate-tokens'
import type { ProviderMessage } from '../providers/chat-provider'
import { messageText } from '../providers/message-text'

export type CompressionResult<M extends ProviderMessage = ProviderMessage> = {
  messages: M[]
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

const skipped = <M extends ProviderMessage>(
  messages: M[],
  reason: string,
): CompressionResult<M> => ({
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

type Plain = { index: number; role: CompressMessageRole; content: string }

// Only plain text turns go to the compressor; content parts, tool calls and unknown roles are
// sent upstream exactly as they came.
const plainOf = (message: ProviderMessage, index: number): Plain | null => {
  const role = compressMessageRoleSchema.safeParse(message.role)
  if (!role.success || typeof message.content !== 'string' || message.tool_calls) return null
  return { index, role: role.data, content: message.content }
}

export const applyCompression = async <M extends ProviderMessage>(
  compression: CompressionService,
  catalog: Catalog,
  messages: M[],
  option: CompressOption,
  category: string | null,
  options: CallOptions,
): Promise<CompressionResult<M>> => {
  const index = messages.findLastIndex((message) => message.role === 'user')
  const turn = messages[index]
  if (!turn) return skipped(messages, 'no user turn to compress')
  const isHistory = (message: ProviderMessage, i: number) =>
    message.role !== 'system' && message.role !== 'developer' && i !== index
  const turnText = messageText(turn)
  const tokens = estimateTokens(turnText)
  const decided = plan(option, catalog, category, tokens, messages.some(isHistory))
  if ('skip' in decided) return skipped(messages, decided.skip)
  const plain = messages.map(plainOf).filter((m): m is Plain => m !== null)
  const wanted = messages.map(
    (message, i) => isHistory(message, i) || (i === index && decided.latest),
  )
  const open = new Map(plain.map((m) => [m.index, wanted[m.index] ?? false]))
  if (![...open.values()].some(Boolean)) {
    return skipped(messages, 'nothing compressible: only content parts or tool calls')
  }
  const question = questionOf(turnText)
  try {
    const result = await compression.compressMessages(
      {
        messages: plain.map(({ index: i, role, content }) => ({
          role,
          content,
          compress: open.get(i) ?? false,
        })),
        ratio: decided.ratio,
        ...(question ? { question } : {}),
      },
      options,
    )
    if (result.messages.length !== plain.length) {
      throw new Error(`${result.messages.length} messages came back for ${plain.length}`)
    }
    const compressed = new Map(plain.map((m, i) => [m.index, result.messages[i]?.content]))
    return {
      // Kept messages go out byte for byte as they came, and so does one compressed to nothing
      // (providers refuse empty content).
      messages: messages.map((message, i) =>
        open.get(i) && compressed.get(i) ? { ...message, content: compressed.get(i) } : message,
      ),
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
