// The routing decision as response headers, so a client that only sees the OpenAI response
// (an SDK, a proxy's log) can still tell which model answered and why.
import type { MetadataEvent } from '@tokenflow/api'

export const DECISION_HEADERS = [
  'x-tokenflow-model',
  'x-tokenflow-category',
  'x-tokenflow-confidence',
  'x-tokenflow-compression-ratio',
  'x-tokenflow-fallbacks',
  'x-tokenflow-stream-id',
] as const

export const decisionHeaders = (metadata: MetadataEvent): Record<string, string> => ({
  'x-tokenflow-model': metadata.model.id,
  // A direct generation has no category: the caller chose the model.
  'x-tokenflow-category': metadata.category?.id ?? 'none',
  'x-tokenflow-confidence': metadata.category ? String(metadata.category.confidence) : '1',
  'x-tokenflow-compression-ratio': String(metadata.compression.ratio ?? 1),
  'x-tokenflow-fallbacks': String(metadata.fallbacks.length),
  'x-tokenflow-stream-id': metadata.streamId,
})
