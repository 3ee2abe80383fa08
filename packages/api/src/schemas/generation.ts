// Inputs of the streaming procedures: a prompt or a conversation plus sampling parameters.
import { z } from 'zod'
import { MAX_MESSAGES, MAX_TEXT_CHARS } from './limits'
import { strategySchema } from './models'

export const chatMessageSchema = z.object({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string().min(1, 'message content must not be empty').max(MAX_TEXT_CHARS),
})
export type ChatMessage = z.infer<typeof chatMessageSchema>

const samplingShape = {
  temperature: z.number().min(0).max(2).optional(),
  topP: z.number().gt(0).lte(1).optional(),
  maxTokens: z.number().int().positive().max(32_768).optional(),
  // Set by the tRPC client when it reconnects to a tracked stream.
  lastEventId: z.string().max(200).nullish(),
}

const conversationShape = {
  prompt: z.string().trim().min(1, 'prompt must not be empty').max(MAX_TEXT_CHARS).optional(),
  messages: z.array(chatMessageSchema).min(1).max(MAX_MESSAGES).optional(),
}

type Conversation = { prompt?: string | undefined; messages?: ChatMessage[] | undefined }

const oneOfPromptOrMessages = (value: Conversation, ctx: z.RefinementCtx) => {
  if ((value.prompt === undefined) === (value.messages === undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: ['prompt'],
      message: 'send exactly one of prompt or messages',
    })
  } else if (value.messages && !value.messages.some((m) => m.role === 'user')) {
    ctx.addIssue({
      code: 'custom',
      path: ['messages'],
      message: 'messages must contain a user message',
    })
  }
}

export const compressOptionSchema = z.union([
  z.enum(['auto', 'off']),
  z.object({ ratio: z.number().gt(0).lte(1) }),
])
export type CompressOption = z.infer<typeof compressOptionSchema>

/** The categories a routed request may be classified into; all of the catalog's when absent. */
export const possibleCategoriesSchema = z
  .array(z.string().trim().min(1).max(100))
  .min(1)
  .max(50)
  .refine((list) => new Set(list).size === list.length, 'categories must be unique')

export const generateInputSchema = z
  .object({
    ...conversationShape,
    ...samplingShape,
    model: z.string().min(1, 'model must not be empty').max(200),
    compress: compressOptionSchema.optional(),
  })
  .superRefine(oneOfPromptOrMessages)
export type GenerateInput = z.infer<typeof generateInputSchema>

export const routeInputSchema = z
  .object({
    ...conversationShape,
    ...samplingShape,
    possibleCategories: possibleCategoriesSchema.optional(),
    strategy: strategySchema.optional(),
    compress: compressOptionSchema.optional(),
  })
  .superRefine(oneOfPromptOrMessages)
export type RouteInput = z.infer<typeof routeInputSchema>
