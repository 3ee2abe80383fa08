// The shape of the model catalog, checked once when it loads so a bad edit fails at start-up.
import { providerIdSchema } from '@tokenflow/api'
import { z } from 'zod'

export const catalogModelSchema = z.object({
  id: z.string().min(1),
  provider: providerIdSchema,
  providerModelId: z.string().min(1),
  displayName: z.string().min(1),
  contextWindow: z.number().int().positive(),
  pricing: z.object({
    inputPerMillion: z.number().nonnegative(),
    outputPerMillion: z.number().nonnegative(),
  }),
  quality: z.number().min(0).max(100),
})
export type CatalogModel = z.infer<typeof catalogModelSchema>

export const catalogCategorySchema = z.object({
  id: z.string().min(1),
  title: z.string().min(1),
  description: z.string().min(1),
  /** Training examples for the classifier's head; without any the category is zero-shot. */
  examples: z.array(z.string().min(1)).default([]),
  /** The model an abstained decision (confidence below the routing threshold) goes to. */
  fallback: z.string().min(1).optional(),
})
export type CatalogCategory = z.infer<typeof catalogCategorySchema>

export const compressionPolicySchema = z.object({
  /** Never compress prompts of this category (tool schemas and arguments must stay exact). */
  enabled: z.boolean(),
  /** Compress only prompts with at least this many tokens. */
  minTokens: z.number().int().nonnegative(),
  ratio: z.number().gt(0).lte(1),
})
export type CompressionPolicy = z.infer<typeof compressionPolicySchema>

export const catalogSchema = z
  .object({
    models: z.array(catalogModelSchema).min(1),
    categories: z.array(catalogCategorySchema).min(1),
    rankings: z.record(z.string(), z.array(z.string()).min(1)),
    compression: z.object({
      default: compressionPolicySchema,
      byCategory: z.record(z.string(), compressionPolicySchema),
    }),
  })
  .superRefine((catalog, ctx) => {
    const modelIds = new Set(catalog.models.map((m) => m.id))
    if (modelIds.size !== catalog.models.length) {
      ctx.addIssue({ code: 'custom', path: ['models'], message: 'model ids must be unique' })
    }
    const categoryIds = new Set(catalog.categories.map((c) => c.id))
    if (categoryIds.size !== catalog.categories.length) {
      ctx.addIssue({ code: 'custom', path: ['categories'], message: 'category ids must be unique' })
    }
    catalog.categories.forEach((category, index) => {
      if (category.fallback && !modelIds.has(category.fallback)) {
        ctx.addIssue({
          code: 'custom',
          path: ['categories', index, 'fallback'],
          message: `category ${category.id}: unknown fallback model ${category.fallback}`,
        })
      }
    })
    for (const category of categoryIds) {
      if (!catalog.rankings[category]) {
        ctx.addIssue({ code: 'custom', path: ['rankings', category], message: 'missing ranking' })
      }
    }
    for (const [category, ranked] of Object.entries(catalog.rankings)) {
      if (!categoryIds.has(category)) {
        ctx.addIssue({ code: 'custom', path: ['rankings', category], message: 'unknown category' })
      }
      for (const id of ranked.filter((modelId) => !modelIds.has(modelId))) {
        ctx.addIssue({
          code: 'custom',
          path: ['rankings', category],
          message: `unknown model ${id}`,
        })
      }
    }
  })
export type Catalog = z.infer<typeof catalogSchema>

/**
 * The catalog part of a config file (TOKENFLOW_CONFIG): only the parts it changes. Strict, so a
 * misspelt key is an error rather than a silently ignored setting.
 */
export const customCatalogSchema = z
  .object({
    models: z.array(catalogModelSchema).optional(),
    categories: z.array(catalogCategorySchema).optional(),
    rankings: z.record(z.string(), z.array(z.string()).min(1)).optional(),
    compression: z
      .object({ byCategory: z.record(z.string(), compressionPolicySchema) })
      .strict()
      .optional(),
  })
  .strict()
