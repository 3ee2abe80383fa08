// Wire types of the ML service endpoints the gateway calls, snake_case as the service speaks.
// INTERIM: replaced by aliases into ml-api.gen.ts once services/ml-python/openapi.json lands.
export type CompressRequest = {
  text: string
  ratio?: number
  target_tokens?: number
  method?: 'llmlingua2' | 'llmlingua'
  force_tokens?: string[]
  preserve?: string[]
}

export type CompressResponse = {
  original_text: string
  compressed_text: string
  original_tokens: number
  compressed_tokens: number
  compression_ratio: number
  method: string
  model: string
  latency_ms: number
  segments: { text: string; kept: boolean }[]
}

export type ClassifyRequest = {
  prompt: string
  possible_categories?: string[]
  multi_label?: boolean
  descriptions?: Record<string, string[]>
}

export type ClassifyResponse = {
  top_category: string
  confidence_score: number
  all_categories: { category: string; score: number }[]
  model: string
  method: string
  latency_ms: number
}
