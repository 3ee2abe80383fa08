// Zero-shot classification of a prompt into routing categories.
import { z } from 'zod'
import { MAX_CATEGORIES, MAX_TEXT_CHARS } from './limits'
import { modelRefSchema } from './models'

export const categoriesSchema = z
  .array(z.string().trim().min(1, 'category must not be empty').max(100))
  .min(1, 'at least one category is required')
  .max(MAX_CATEGORIES)
  .refine((list) => new Set(list).size === list.length, 'categories must be unique')

export const classifyInputSchema = z.object({
  prompt: z.string().trim().min(1, 'prompt must not be empty').max(MAX_TEXT_CHARS),
  categories: categoriesSchema.optional(),
  multiLabel: z.boolean().optional(),
})
export type ClassifyInput = z.infer<typeof classifyInputSchema>

export const categoryScoreSchema = z.object({
  category: z.string(),
  score: z.number().min(0).max(1),
})
export type CategoryScore = z.infer<typeof categoryScoreSchema>

export const classifyOutputSchema = z.object({
  topCategory: z.string(),
  confidence: z.number().min(0).max(1),
  scores: z.array(categoryScoreSchema),
  method: z.string(),
  model: z.string(),
  latencyMs: z.number().nonnegative(),
  recommendedModel: modelRefSchema.nullable(),
})
export type ClassifyOutput = z.infer<typeof classifyOutputSchema>
