// ClassificationService over the ML service's POST /classify. The catalog's category
// descriptions and examples go along: the ML service trains its head on the examples (zero-shot
// on the descriptions when a category has none). The answer names the model routing would choose:
// the catalog's best for the winning category, or, when the confidence is below the threshold,
// where the abstention goes (with the default strategy, as routing without one does).
// With a result cache only the ML answer is reused: its key holds the categories' descriptions
// and examples, so a changed catalog is a miss; the recommendation and abstention are decided
// afresh each time, as the models' availability and the threshold may have changed.
import type { ClassificationService, ClassifyOutput, ModelRef } from '@tokenflow/api'
import type { Catalog } from '@tokenflow/catalog'
import { cachedMlPost } from '../cache/cached-ml-post'
import type { ResultCache } from '../cache/result-cache'
import type { ClassifyRequest, ClassifyResponse } from '../ml/ml-api'
import type { MlClient } from '../ml/ml-client'
import { toTRPCError } from '../ml/to-trpc-error'
import { DEFAULT_STRATEGY } from '../routing/create-routing-service'
import { selectAbstainedModels, selectModels } from '../routing/select-models'
import { abstains, abstentionReason } from './abstention'

export type ClassificationServiceOptions = {
  ml: Pick<MlClient, 'post'>
  catalog: Catalog
  /** Below this confidence the category is not trusted (ROUTING_MIN_CONFIDENCE); 0: never. */
  minConfidence: number
  /** Whether a model can serve requests now; unavailable models are skipped when recommending. */
  isAvailable?: (model: ModelRef) => boolean
  /** Reuses the ML service's answers for identical requests. */
  cache?: ResultCache
}

export const describeCategories = (catalog: Catalog, categories: string[]) => {
  const descriptions: Record<string, string[]> = {}
  for (const id of categories) {
    const category = catalog.categories.find((c) => c.id === id)
    if (category) {
      descriptions[id] = [category.description, ...category.examples]
    }
  }
  return descriptions
}

export const recommendModel = (
  catalog: Catalog,
  categoryId: string,
  abstained: boolean,
  isAvailable: (model: ModelRef) => boolean = () => true,
): ModelRef | null => {
  const select = abstained ? selectAbstainedModels : selectModels
  const everyProvider = new Set(catalog.models.map((model) => model.provider))
  for (const model of select(catalog, categoryId, DEFAULT_STRATEGY, everyProvider)) {
    const ref: ModelRef = { id: model.id, provider: model.provider, displayName: model.displayName }
    if (isAvailable(ref)) return ref
  }
  return null
}

export const createClassificationService = ({
  ml,
  catalog,
  minConfidence,
  isAvailable,
  cache,
}: ClassificationServiceOptions): ClassificationService => {
  const post = cachedMlPost(ml, cache, 'classification')
  return {
    async classify(input, options): Promise<ClassifyOutput> {
      const categories = input.categories ?? catalog.categories.map((c) => c.id)
      const request: ClassifyRequest = {
        prompt: input.prompt,
        possible_categories: categories,
        ...(input.multiLabel !== undefined ? { multi_label: input.multiLabel } : {}),
        descriptions: describeCategories(catalog, categories),
      }
      let response: ClassifyResponse
      try {
        response = await post<ClassifyResponse>('/classify', request, options)
      } catch (error) {
        throw toTRPCError(error)
      }
      const topCategory = response.top_category
      const confidence = response.confidence_score
      const abstained = abstains(confidence, minConfidence)
      const recommendedModel = recommendModel(catalog, topCategory, abstained, isAvailable)
      return {
        topCategory,
        confidence,
        calibrated: response.calibrated,
        scores: response.all_categories.map(({ category, score }) => ({ category, score })),
        method: response.method,
        model: response.model,
        latencyMs: response.latency_ms,
        recommendedModel,
        abstained,
        reason: abstained
          ? abstentionReason(catalog, {
              categoryId: topCategory,
              confidence,
              minConfidence,
              modelId: recommendedModel?.id,
            })
          : null,
      }
    },
  }
}
