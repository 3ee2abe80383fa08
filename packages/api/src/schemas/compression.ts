// Prompt compression: what the gateway accepts and what the ML service's answer becomes.
import { z } from 'zod'
import { MAX_FORCE_TOKENS, MAX_TEXT_CHARS } from './limits'

export const compressionMethodSchema = z.enum(['llmlingua2', 'llmlingua'])
export type CompressionMethod = z.infer<typeof compressionMethodSchema>

export const preserveKindSchema = z.enum(['code', 'json', 'numbers'])

export const compressInputSchema = z.object({
  text: z.string().trim().min(1, 'text must not be empty').max(MAX_TEXT_CHARS),
  ratio: z
    .number()
    .gt(0, 'ratio must be greater than 0')
    .lte(1, 'ratio must be at most 1')
    .optional(),
  targetTokens: z.number().int().positive().optional(),
  method: compressionMethodSchema.optional(),
  forceTokens: z.array(z.string().min(1).max(100)).max(MAX_FORCE_TOKENS).optional(),
  preserve: z.array(preserveKindSchema).max(3).optional(),
})
export type CompressInput = z.infer<typeof compressInputSchema>

export const compressionSegmentSchema = z.object({
  text: z.string(),
  kept: z.boolean(),
})

export const compressOutputSchema = z.object({
  originalText: z.string(),
  compressedText: z.string(),
  originalTokens: z.number().int().nonnegative(),
  compressedTokens: z.number().int().nonnegative(),
  compressionRatio: z.number().nonnegative(),
  method: z.string(),
  model: z.string(),
  latencyMs: z.number().nonnegative(),
  segments: z.array(compressionSegmentSchema),
})
export type CompressOutput = z.infer<typeof compressOutputSchema>
