// Abstention: below the routing threshold (ROUTING_MIN_CONFIDENCE) the router does not trust the
// classifier's category and sends the request to the category's fallback model, or to the best
// general model. Classify and routing both decide and explain it here, so REST, tRPC and the
// stream's metadata say the same thing. A threshold of 0 never abstains.
import type { Catalog } from '@tokenflow/catalog'

export const abstains = (confidence: number, minConfidence: number) => confidence < minConfidence

/** Enough decimals that a threshold such as 0.999 is not printed as 1.00. */
const decimalsFor = (threshold: number) =>
  Math.max(2, (String(threshold).split('.')[1] ?? '').length)

export type AbstentionFacts = {
  categoryId: string
  confidence: number
  minConfidence: number
  /** The model the request goes to instead; undefined when none is available. */
  modelId: string | undefined
}

export const abstentionReason = (
  catalog: Catalog,
  { categoryId, confidence, minConfidence, modelId }: AbstentionFacts,
): string => {
  const decimals = decimalsFor(minConfidence)
  const fallback = catalog.categories.find((c) => c.id === categoryId)?.fallback
  const where = modelId
    ? `routed to the ${modelId === fallback ? 'fallback model' : 'best general model'} ${modelId}`
    : 'no available model to route to'
  return `confidence ${confidence.toFixed(decimals)} below ${minConfidence.toFixed(decimals)}: ${where}`
}
