// The providers TokenFlow knows out of the box, with the environment variables documented in the
// README: Groq, OpenRouter, and the ML service's local model.
import type { ProviderTable } from './provider-spec'

export type ShippedProviderEnv = {
  GROQ_BASE_URL?: string
  OPENROUTER_BASE_URL: string
  LOCAL_MODEL_ENABLED: boolean
  ML_SERVICE_URL: string
}

export const shippedProviders = (env: ShippedProviderEnv): ProviderTable => ({
  groq: { kind: 'groq', baseURL: env.GROQ_BASE_URL, apiKeyEnv: 'GROQ_API_KEY' },
  openrouter: {
    kind: 'openai-compatible',
    baseURL: env.OPENROUTER_BASE_URL,
    apiKeyEnv: 'OPENROUTER_API_KEY',
  },
  local: {
    kind: 'openai-compatible',
    baseURL: `${env.ML_SERVICE_URL.replace(/\/+$/, '')}/v1`,
    // The ML service wants its internal token when one is set.
    headers: { 'X-Internal-Token': { env: 'ML_INTERNAL_TOKEN' } },
    enabled: env.LOCAL_MODEL_ENABLED,
    disabledDetail: 'LOCAL_MODEL_ENABLED is false',
  },
})
