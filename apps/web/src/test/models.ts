// A small model list for view tests.
import type { ModelInfo } from '@tokenflow/api'

export const testModel: ModelInfo = {
  id: 'groq/llama-3.3-70b-versatile',
  provider: 'groq',
  providerModelId: 'llama-3.3-70b-versatile',
  displayName: 'Llama 3.3 70B Versatile (Groq)',
  contextWindow: 131072,
  pricing: { inputPerMillion: 0.59, outputPerMillion: 0.79 },
  available: true,
  unavailableReason: null,
}
