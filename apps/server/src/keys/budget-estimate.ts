// The most a request may cost, reserved against its key's budget before the provider is called:
// the prompt's estimated tokens (as sent, before any compression) at the model's input price, plus
// the most it may answer at the output price: its max tokens (else DEFAULT_MAX_OUTPUT_TOKENS) for
// each of its `n` answers.
import type { CatalogModel } from '@tokenflow/catalog'
import { estimateCost } from '../models/estimate-cost'
import { estimateMessageTokens } from '../models/estimate-tokens'
import type { CompletionInput } from '../streams/completion-input'

export const DEFAULT_MAX_OUTPUT_TOKENS = 1024

export const budgetEstimate = (model: CatalogModel, input: CompletionInput): number => {
  const promptTokens = estimateMessageTokens(input.messages)
  const answers = typeof input.passthrough?.n === 'number' ? input.passthrough.n : 1
  const completionTokens = (input.sampling.maxTokens ?? DEFAULT_MAX_OUTPUT_TOKENS) * answers
  return estimateCost(model, {
    promptTokens,
    completionTokens,
    totalTokens: promptTokens + completionTokens,
  })
}
