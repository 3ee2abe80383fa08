// RequestRecord <-> `requests` row: snake_case columns, the ISO time as epoch milliseconds.
import type { Endpoint, RequestRecord, RequestStatus } from '@tokenflow/api'
import type { RequestsTable } from './database'

/** The row to insert, or null when the record's time is not a date (it could never be listed). */
export const toRequestRow = (record: RequestRecord): RequestsTable | null => {
  const time = Date.parse(record.time)
  if (!Number.isFinite(time)) return null
  return {
    id: record.id,
    time,
    request_id: record.requestId,
    stream_id: record.streamId,
    api_key_id: record.apiKeyId,
    endpoint: record.endpoint,
    kind: record.kind,
    requested_model: record.requestedModel,
    model: record.model,
    provider: record.provider,
    category: record.category,
    confidence: record.confidence,
    strategy: record.strategy,
    compression_method: record.compressionMethod,
    original_tokens: record.originalTokens,
    compressed_tokens: record.compressedTokens,
    fallbacks: record.fallbacks,
    prompt_tokens: record.promptTokens,
    completion_tokens: record.completionTokens,
    cost_usd: record.costUsd,
    saved_tokens: record.savedTokens,
    saved_usd: record.savedUsd,
    ttft_ms: record.ttftMs,
    total_ms: record.totalMs,
    finish_reason: record.finishReason,
    error_code: record.errorCode,
    status: record.status,
    prompt: record.prompt,
    answer: record.answer,
  }
}

export const fromRequestRow = (row: RequestsTable): RequestRecord => ({
  id: row.id,
  time: new Date(row.time).toISOString(),
  requestId: row.request_id,
  streamId: row.stream_id,
  apiKeyId: row.api_key_id,
  endpoint: row.endpoint as Endpoint,
  kind: row.kind as RequestRecord['kind'],
  requestedModel: row.requested_model,
  model: row.model,
  provider: row.provider,
  category: row.category,
  confidence: row.confidence,
  strategy: row.strategy,
  compressionMethod: row.compression_method,
  originalTokens: row.original_tokens,
  compressedTokens: row.compressed_tokens,
  fallbacks: row.fallbacks,
  promptTokens: row.prompt_tokens,
  completionTokens: row.completion_tokens,
  costUsd: row.cost_usd,
  savedTokens: row.saved_tokens,
  savedUsd: row.saved_usd,
  ttftMs: row.ttft_ms,
  totalMs: row.total_ms,
  finishReason: row.finish_reason,
  errorCode: row.error_code,
  status: row.status as RequestStatus,
  prompt: row.prompt,
  answer: row.answer,
})
