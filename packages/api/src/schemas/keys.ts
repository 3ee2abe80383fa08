// Virtual API keys: created, listed and revoked by an admin, each with optional limits and a
// budget in USD per day or month. The secret is shown once, at creation; only its hash is kept.
import { z } from 'zod'

export const budgetPeriodSchema = z.enum(['day', 'month'])
export type BudgetPeriod = z.infer<typeof budgetPeriodSchema>

export const keyCreateInputSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    budgetUsd: z.number().positive().max(1_000_000).optional(),
    budgetPeriod: budgetPeriodSchema.optional(),
    requestsPerMinute: z.number().int().positive().max(1_000_000).optional(),
    tokensPerMinute: z.number().int().positive().max(1_000_000_000).optional(),
    /** Catalog ids (e.g. `groq/llama-3.1-8b-instant`) the key may use; absent: every model. */
    allowedModels: z.array(z.string().min(1).max(200)).min(1).max(200).optional(),
  })
  .refine((input) => (input.budgetUsd === undefined) === (input.budgetPeriod === undefined), {
    path: ['budgetPeriod'],
    message: 'a budget needs both budgetUsd and budgetPeriod',
  })
export type KeyCreateInput = z.infer<typeof keyCreateInputSchema>

export const keyRecordSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** The key's first characters, to tell keys apart; never the whole secret. */
  prefix: z.string(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
  budgetUsd: z.number().nullable(),
  budgetPeriod: budgetPeriodSchema.nullable(),
  requestsPerMinute: z.number().int().nullable(),
  tokensPerMinute: z.number().int().nullable(),
  allowedModels: z.array(z.string()).nullable(),
  /** Spent in the current budget period (settled requests; reservations in flight excluded). */
  spentUsd: z.number().nonnegative(),
  /** When the current budget period started (ISO 8601, UTC); null without a budget. */
  periodStart: z.string().nullable(),
})
export type KeyRecord = z.infer<typeof keyRecordSchema>

export const keyCreatedSchema = z.object({
  /** The secret: shown this once, send it as `Authorization: Bearer <key>`. */
  key: z.string(),
  record: keyRecordSchema,
})
export type KeyCreated = z.infer<typeof keyCreatedSchema>

export const keyListSchema = z.object({ items: z.array(keyRecordSchema) })
export type KeyList = z.infer<typeof keyListSchema>

export const keyRevokeInputSchema = z.object({ id: z.string().min(1).max(200) })
export type KeyRevokeInput = z.infer<typeof keyRevokeInputSchema>

export const keyRevokedSchema = z.object({
  /** False when the key was already revoked or does not exist. */
  revoked: z.boolean(),
})
export type KeyRevoked = z.infer<typeof keyRevokedSchema>
