// What a number of prompt tokens costs on a model, from the catalog's per-million price.
import type { ModelInfo } from '@tokenflow/api'

export const estimateInputCost = (tokens: number, model: Pick<ModelInfo, 'pricing'>): number =>
  (tokens * model.pricing.inputPerMillion) / 1_000_000
