// The config file (TOKENFLOW_CONFIG): the catalog overlay (models, categories, rankings,
// compression) plus a `providers` section, checked as one document so every error names the
// file's own field (`providers.ollama.kind`, `models[0].provider`).
import { customCatalogSchema } from '@tokenflow/catalog'
import type { z } from 'zod'
import { type ProviderTable, providerTableSchema } from '../providers/provider-spec'

/** `shipped` is the table the file is merged over: its models may name those providers too. */
export const configFileSchema = (shipped: ProviderTable) =>
  customCatalogSchema
    .extend({ providers: providerTableSchema.optional() })
    .superRefine((file, ctx) => {
      const known = [...new Set([...Object.keys(shipped), ...Object.keys(file.providers ?? {})])]
      file.models?.forEach((model, index) => {
        if (known.includes(model.provider)) return
        ctx.addIssue({
          code: 'custom',
          path: ['models', index, 'provider'],
          message: `model ${model.id}: unknown provider "${model.provider}" (known: ${known.join(', ')})`,
        })
      })
    })
export type ConfigFile = z.infer<ReturnType<typeof configFileSchema>>
