// Prompt compression: what the gateway accepts and what the ML service's answer becomes.
import { z } from 'zod'
import {
  MAX_COMPRESS_MESSAGES,
  MAX_FORCE_TOKENS,
  MAX_QUESTION_CHARS,
  MAX_TEXT_CHARS,
} from './limits'

// `encoder` is the ML service's offline default; the LLMLingua methods need their models loaded.
export const compressionMethodSchema = z.enum(['encoder', 'llmlingua2', 'llmlingua'])
export type CompressionMethod = z.infer<typeof compressionMethodSchema>

export const preserveKindSchema = z.enum(['code', 'json', 'numbers'])

// What every compression request can say, whatever it compresses (the ML's CompressOptions).
const compressOptionsShape = {
  ratio: z
    .number()
    .gt(0, 'ratio must be greater than 0')
    .lte(1, 'ratio must be at most 1')
    .optional(),
  targetTokens: z.number().int().positive().optional(),
  method: compressionMethodSchema.optional(),
  forceTokens: z.array(z.string().min(1).max(100)).max(MAX_FORCE_TOKENS).optional(),
  preserve: z.array(preserveKindSchema).max(3).optional(),
  question: z
    .string()
    .trim()
    .min(1, 'question must not be empty')
    .max(MAX_QUESTION_CHARS)
    .optional(),
}

export const compressInputSchema = z.object({
  text: z.string().trim().min(1, 'text must not be empty').max(MAX_TEXT_CHARS),
  ...compressOptionsShape,
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

export const compressMessageRoleSchema = z.enum([
  'system',
  'developer',
  'user',
  'assistant',
  'tool',
])
export type CompressMessageRole = z.infer<typeof compressMessageRoleSchema>

export const compressMessagesInputSchema = z.object({
  messages: z
    .array(
      z.object({
        role: compressMessageRoleSchema,
        content: z.string().max(MAX_TEXT_CHARS),
        // Unset: system and developer messages and the latest user message are kept verbatim.
        compress: z.boolean().optional(),
      }),
    )
    .min(1, 'messages must not be empty')
    .max(MAX_COMPRESS_MESSAGES)
    .refine(
      (messages) => messages.reduce((sum, m) => sum + m.content.length, 0) <= MAX_TEXT_CHARS,
      `messages must hold at most ${MAX_TEXT_CHARS} characters in all`,
    ),
  ...compressOptionsShape,
})
export type CompressMessagesInput = z.infer<typeof compressMessagesInputSchema>

export const compressedMessageSchema = z.object({
  role: compressMessageRoleSchema,
  content: z.string(),
  /** Whether the message was open to compression; the others come back verbatim. */
  compressed: z.boolean(),
  originalTokens: z.number().int().nonnegative(),
  compressedTokens: z.number().int().nonnegative(),
})

export const compressMessagesOutputSchema = z.object({
  messages: z.array(compressedMessageSchema),
  originalTokens: z.number().int().nonnegative(),
  compressedTokens: z.number().int().nonnegative(),
  compressionRatio: z.number().nonnegative(),
  method: z.string(),
  model: z.string(),
  latencyMs: z.number().nonnegative(),
  tokenizer: z.string(),
  /** The question the compression kept in view: the one sent, else the kept latest user turn. */
  question: z.string().nullable(),
})
export type CompressMessagesOutput = z.infer<typeof compressMessagesOutputSchema>
