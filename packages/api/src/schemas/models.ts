// The model catalog as the API shows it: models, their providers and per-category rankings.
import { z } from 'zod'

// Provider ids are configuration (the provider table and TOKENFLOW_CONFIG), not a fixed list.
export const providerIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'provider ids are lowercase letters, digits, _ or -')
export type ProviderId = z.infer<typeof providerIdSchema>

export const strategySchema = z.enum(['quality', 'balanced', 'cheapest'])
export type Strategy = z.infer<typeof strategySchema>

export const modelRefSchema = z.object({
  id: z.string(),
  provider: providerIdSchema,
  displayName: z.string(),
})
export type ModelRef = z.infer<typeof modelRefSchema>

export const modelInfoSchema = modelRefSchema.extend({
  providerModelId: z.string(),
  contextWindow: z.number().int().positive(),
  pricing: z.object({
    inputPerMillion: z.number().nonnegative(),
    outputPerMillion: z.number().nonnegative(),
  }),
  available: z.boolean(),
  unavailableReason: z.string().nullable(),
})
export type ModelInfo = z.infer<typeof modelInfoSchema>

export const modelListSchema = z.object({ models: z.array(modelInfoSchema) })
export type ModelList = z.infer<typeof modelListSchema>

export const categoryRankingSchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  models: z.array(modelInfoSchema.extend({ rank: z.number().int().positive() })),
})

export const rankingsSchema = z.object({ categories: z.array(categoryRankingSchema) })
export type Rankings = z.infer<typeof rankingsSchema>
