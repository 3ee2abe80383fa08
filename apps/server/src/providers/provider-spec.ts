// One row of the provider table: everything that differs between providers, as data. The shipped
// rows (shipped-providers.ts) and a config file's `providers` section (TOKENFLOW_CONFIG) have
// the same shape, so adding an Ollama, vLLM, LM Studio, OpenAI or Together server is a file edit.
import { providerIdSchema } from '@tokenflow/api'
import { z } from 'zod'

const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name (A-Z, 0-9, _)')

/** A header value written out, or read from an environment variable (and then kept out of logs). */
const headerValueSchema = z.union([z.string(), z.object({ env: envName }).strict()])

export const providerSpecSchema = z
  .object({
    /** `groq` goes through groq-sdk; `openai-compatible` through the openai SDK. */
    kind: z.enum(['groq', 'openai-compatible']),
    /** The API root (…/v1 for OpenAI-compatible servers). Optional for groq (its public API). */
    baseURL: z.url().optional(),
    /** The environment variable holding the API key; without one the provider needs no key. */
    apiKeyEnv: envName.optional(),
    headers: z.record(z.string().min(1), headerValueSchema).optional(),
    /** A switched-off provider is listed as unconfigured; on unless set. */
    enabled: z.boolean().optional(),
    /** What /readyz and models.list say while the provider is switched off. */
    disabledDetail: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((spec, ctx) => {
    if (spec.kind === 'openai-compatible' && !spec.baseURL) {
      ctx.addIssue({
        code: 'custom',
        path: ['baseURL'],
        message: 'an openai-compatible provider needs its baseURL (e.g. http://localhost:11434/v1)',
      })
    }
  })
export type ProviderSpec = z.infer<typeof providerSpecSchema>

export const providerTableSchema = z.record(providerIdSchema, providerSpecSchema)
export type ProviderTable = z.infer<typeof providerTableSchema>
