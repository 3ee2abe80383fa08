// Dollars for a completion from the catalog's per-million prices.
import type { Usage } from '@tokenflow/api'
import type { CatalogModel } from '@tokenflow/catalog'

const round = (usd: number) => Math.round(usd * 1e9) / 1e9

export const estimateCost = (model: CatalogModel, usage: Usage): number =>
  round(
    (usage.promptTokens * model.pricing.inputPerMillion +
      usage.completionTokens * model.pricing.outputPerMillion) /
      1e6,
  )

/** What the prompt tokens compression removed would have cost on this model. */
export const estimateSavings = (model: CatalogModel, savedTokens: number): number =>
  round((savedTokens * model.pricing.inputPerMillion) / 1e6)
