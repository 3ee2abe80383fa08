// models.list and models.rankings: the catalog with each model's availability right now.
import type { ModelInfo, ModelService } from '@tokenflow/api'
import type { Catalog, CatalogModel } from '@tokenflow/catalog'
import { statusOf } from '../providers/available-providers'
import type { ProviderRegistry, ProviderStatuses } from '../providers/create-providers'

export type ModelServiceDeps = { catalog: Catalog; providers: ProviderRegistry }

const info = (model: CatalogModel, statuses: ProviderStatuses): ModelInfo => {
  const status = statusOf(statuses, model.provider)
  const available = status.configured && status.reachable
  return {
    id: model.id,
    provider: model.provider,
    displayName: model.displayName,
    providerModelId: model.providerModelId,
    contextWindow: model.contextWindow,
    pricing: model.pricing,
    available,
    unavailableReason: available
      ? null
      : status.configured
        ? `${model.provider} is unreachable: ${status.detail}`
        : status.detail,
  }
}

export const createModelService = ({ catalog, providers }: ModelServiceDeps): ModelService => ({
  list: async () => {
    const statuses = await providers.status()
    return { models: catalog.models.map((model) => info(model, statuses)) }
  },
  rankings: async () => {
    const statuses = await providers.status()
    const byId = new Map(catalog.models.map((model) => [model.id, model]))
    return {
      categories: catalog.categories.map((category) => ({
        id: category.id,
        title: category.title,
        description: category.description,
        models: (catalog.rankings[category.id] ?? []).flatMap((id, index) => {
          const model = byId.get(id)
          return model ? [{ ...info(model, statuses), rank: index + 1 }] : []
        }),
      })),
    }
  },
})
