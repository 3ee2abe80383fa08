// GET /v1/models: `auto`, one `auto:<strategy>` per strategy, and every catalog model with its
// availability, in OpenAI's list shape (`owned_by` is the provider).
import { z } from '@hono/zod-openapi'
import type { ModelInfo, ModelList } from '@tokenflow/api'
import { DEFAULT_STRATEGY } from '../routing/create-routing-service'
import { AUTO_MODELS } from './resolve-model'

export const openAiModelSchema = z
  .object({
    id: z.string(),
    object: z.literal('model'),
    created: z.number().int(),
    owned_by: z.string(),
    tokenflow: z.looseObject({
      kind: z.enum(['router', 'model']),
      available: z.boolean(),
      unavailable_reason: z.string().nullable(),
    }),
  })
  .openapi('Model')

export const openAiModelListSchema = z
  .object({ object: z.literal('list'), data: z.array(openAiModelSchema) })
  .openapi('ModelList')

type OpenAiModel = z.infer<typeof openAiModelSchema>

// The catalog is loaded at start: its models exist since then.
const created = Math.floor(Date.now() / 1000)

const router = (id: string, models: ModelInfo[]): OpenAiModel => {
  const available = models.some((model) => model.available)
  return {
    id,
    object: 'model',
    created,
    owned_by: 'tokenflow',
    tokenflow: {
      kind: 'router',
      strategy: id === 'auto' ? DEFAULT_STRATEGY : id.slice('auto:'.length),
      available,
      unavailable_reason: available ? null : 'no catalog model is available',
    },
  }
}

const model = (info: ModelInfo): OpenAiModel => ({
  id: info.id,
  object: 'model',
  created,
  owned_by: info.provider,
  tokenflow: {
    kind: 'model',
    provider: info.provider,
    display_name: info.displayName,
    provider_model_id: info.providerModelId,
    context_window: info.contextWindow,
    pricing: {
      input_per_million: info.pricing.inputPerMillion,
      output_per_million: info.pricing.outputPerMillion,
    },
    available: info.available,
    unavailable_reason: info.unavailableReason,
  },
})

export const toOpenAiModels = (list: ModelList): OpenAiModel[] => [
  ...AUTO_MODELS.map((id) => router(id, list.models)),
  ...list.models.map(model),
]
