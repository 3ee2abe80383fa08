// Which models to try for a category and strategy, best first; the rest of the list is the
// fallback order. Only models whose provider is available now are considered.
//
// quality:  the catalog's rank order.
// cheapest: lowest blended price first (ties keep rank order).
// balanced: among models within BALANCED_QUALITY_GAP quality points of the best available one,
//           the cheapest first; then everything else in rank order. "Nearly as good, cheaper."
//
// With no category (an abstained decision: the category is not trusted) the rank order is every
// catalog model by quality, best first: the general models, served by the same strategies.
import type { ProviderId, Strategy } from '@tokenflow/api'
import type { Catalog, CatalogModel } from '@tokenflow/catalog'

export const BALANCED_QUALITY_GAP = 10

/** Price per 1M tokens for a typical 3:1 input:output mix. */
export const blendedPrice = (model: CatalogModel): number =>
  (3 * model.pricing.inputPerMillion + model.pricing.outputPerMillion) / 4

const rankOrder = (catalog: Catalog, category: string | null): CatalogModel[] => {
  if (category === null) return catalog.models.toSorted((a, b) => b.quality - a.quality)
  const byId = new Map(catalog.models.map((model) => [model.id, model]))
  return (catalog.rankings[category] ?? [])
    .map((id) => byId.get(id))
    .filter((model): model is CatalogModel => model !== undefined)
}

export const selectModels = (
  catalog: Catalog,
  category: string | null,
  strategy: Strategy,
  available: ReadonlySet<ProviderId>,
): CatalogModel[] => {
  const ranked = rankOrder(catalog, category).filter((model) => available.has(model.provider))
  if (strategy === 'quality' || ranked.length < 2) return ranked
  const cheapestFirst = (list: CatalogModel[]) =>
    list
      .map((model, rank) => ({ model, rank }))
      .sort((a, b) => blendedPrice(a.model) - blendedPrice(b.model) || a.rank - b.rank)
      .map(({ model }) => model)
  if (strategy === 'cheapest') return cheapestFirst(ranked)
  const best = Math.max(...ranked.map((model) => model.quality))
  const nearBest = ranked.filter((model) => model.quality >= best - BALANCED_QUALITY_GAP)
  const chosen = cheapestFirst(nearBest)
  return [...chosen, ...ranked.filter((model) => !chosen.includes(model))]
}

/**
 * Where an abstained decision goes: the category's fallback model when it is set and available,
 * then the general models (no category) for the strategy.
 */
export const selectAbstainedModels = (
  catalog: Catalog,
  category: string,
  strategy: Strategy,
  available: ReadonlySet<ProviderId>,
): CatalogModel[] => {
  const general = selectModels(catalog, null, strategy, available)
  const fallbackId = catalog.categories.find((c) => c.id === category)?.fallback
  const fallback = general.find((model) => model.id === fallbackId)
  return fallback ? [fallback, ...general.filter((model) => model !== fallback)] : general
}
