// A request's row in the request log, from what its ledger entry saw: the events of its stream,
// or the error that stopped it before one. The ledger adds the id, time, request id and caller.
import type { RequestRecord } from '@tokenflow/api'
import type { CatalogModel } from '@tokenflow/catalog'
import type { ProviderMessage } from '../providers/chat-provider'
import type { StreamKind } from '../streams/stream-observer'
import { type StreamOutput, streamCharge } from './stream-output'

export type Row = Omit<RequestRecord, 'id' | 'time' | 'requestId' | 'apiKeyId' | 'endpoint'>

export type RowContext = {
  kind: StreamKind
  requestedModel: string | null
  /** performance.now() when the request arrived. */
  startedAt: number
  /** The prompt as the client sent it, when it is kept (LOG_PROMPTS). */
  prompt: string | null
}

/** A request that never streamed: refused, failed or abandoned before its stream started. */
export const unstreamedRow = (
  context: RowContext,
  model: CatalogModel | undefined,
  outcome: { status: 'error' | 'aborted'; errorCode: string },
): Row => ({
  kind: context.kind,
  requestedModel: context.requestedModel,
  streamId: null,
  model: model?.id ?? null,
  provider: model?.provider ?? null,
  category: null,
  confidence: null,
  strategy: null,
  compressionMethod: null,
  originalTokens: null,
  compressedTokens: null,
  fallbacks: 0,
  promptTokens: 0,
  completionTokens: 0,
  costUsd: 0,
  savedTokens: 0,
  savedUsd: 0,
  ttftMs: null,
  totalMs: performance.now() - context.startedAt,
  finishReason: null,
  ...outcome,
  prompt: context.prompt,
  answer: null,
})

export const streamedRow = (
  context: RowContext,
  stream: {
    id: string
    /** The models it could be answered by, the first one chosen. */
    candidates: CatalogModel[]
    /** The messages as the provider got them (compressed or not). */
    sent: ProviderMessage[]
    output: StreamOutput
    /** The producer threw: the hub streams that as an INTERNAL error. */
    threw: boolean
  },
  keepAnswer: boolean,
): Row => {
  const { metadata, end, error, firstTokenAt } = stream.output
  const model = stream.candidates.find((m) => m.id === metadata?.model.id) ?? stream.candidates[0]
  const errorCode = end ? null : (error?.code ?? (stream.threw ? 'INTERNAL' : 'STREAM_ENDED'))
  return {
    kind: context.kind,
    requestedModel: context.requestedModel,
    streamId: stream.id,
    model: metadata?.model.id ?? model?.id ?? null,
    provider: metadata?.model.provider ?? model?.provider ?? null,
    category: metadata?.category?.id ?? null,
    confidence: metadata?.category?.confidence ?? null,
    strategy: metadata?.strategy ?? null,
    compressionMethod: metadata?.compression.method ?? null,
    originalTokens: metadata?.compression.originalTokens ?? null,
    compressedTokens: metadata?.compression.compressedTokens ?? null,
    fallbacks: metadata?.fallbacks.length ?? 0,
    ...streamCharge(model, stream.sent, stream.output),
    ttftMs: end
      ? end.timeToFirstTokenMs
      : firstTokenAt === null
        ? null
        : firstTokenAt - context.startedAt,
    totalMs: end ? end.totalMs : performance.now() - context.startedAt,
    finishReason: end?.finishReason ?? null,
    errorCode,
    status: end ? 'ok' : errorCode === 'ABORTED' ? 'aborted' : 'error',
    prompt: context.prompt,
    answer: keepAnswer ? stream.output.answer : null,
  }
}
