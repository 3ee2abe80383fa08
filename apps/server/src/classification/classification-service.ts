// ClassificationService over the ML service's POST /classify. The catalog's category
// descriptions and examples go along, so the zero-shot classifier knows what each category means;
// the answer names the model the catalog ranks first for the winning category.
import type { ClassificationService, ClassifyOutput, ModelRef } from '@tokenflow/api'
import type { Catalog } from '@tokenflow/catalog'
import type { ClassifyRequest, ClassifyResponse } from '../ml/ml-api'
import type { MlClient } from '../ml/ml-client'
import { toTRPCError } from '../ml/to-trpc-error'

export type ClassificationServiceOptions = {
  ml: Pick<MlClient, 'post'>
  catalog: Catalog
  /** Whether a model can serve requests now; unavailable models are skipped when recommending. */
  isAvailable?: (model: ModelRef) => boolean
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
  isAvailable: (model: ModelRef) => boolean = () => true,
): ModelRef | null => {
  for (const id of catalog.rankings[categoryId] ?? []) {
    const model = catalog.models.find((m) => m.id === id)
    if (model) {
      const ref: ModelRef = {
        id: model.id,
        provider: model.provider,
        displayName: model.displayName,
      }
      if (isAvailable(ref)) return ref
    }
  }
  return null
}

export const createClassificationService = ({
  ml,
  catalog,
  isAvailable,
}: ClassificationServiceOptions): ClassificationService => ({
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
      response = await ml.post<ClassifyResponse>('/classify', request, options)
    } catch (error) {
      throw toTRPCError(error)
    }
    return {
      topCategory: response.top_category,
      confidence: response.confidence_score,
      scores: response.all_categories.map(({ category, score }) => ({ category, score })),
      method: response.method,
      model: response.model,
      latencyMs: response.latency_ms,
      recommendedModel: recommendModel(catalog, response.top_category, isAvailable),
    }
  },
})
