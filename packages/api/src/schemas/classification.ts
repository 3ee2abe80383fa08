// Classification of a prompt into routing categories, and whether the router trusts the answer.
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

/**
 * Whether the router trusts the category. Below the gateway's confidence threshold it abstains:
 * the request goes to the category's fallback model, or to the best general model, and `reason`
 * says which and why. Shared by classify and the routing metadata, so both say the same.
 */
export const abstentionSchema = z.object({
  abstained: z.boolean(),
  reason: z.string().nullable(),
})

export const classifyOutputSchema = z.object({
  topCategory: z.string(),
  confidence: z.number().min(0).max(1),
  /** Whether `confidence` is a calibrated probability (the ML service's trained head). */
  calibrated: z.boolean(),
  scores: z.array(categoryScoreSchema),
  /** 'embedding-head' (trained head), 'embedding' (zero-shot similarity) or 'nli'. */
  method: z.string(),
  model: z.string(),
  latencyMs: z.number().nonnegative(),
  /** The model routing would choose: the category's best, or where an abstention goes. */
  recommendedModel: modelRefSchema.nullable(),
  ...abstentionSchema.shape,
})
export type ClassifyOutput = z.infer<typeof classifyOutputSchema>
