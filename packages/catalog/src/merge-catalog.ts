// Merges a user's catalog file over the shipped catalog by id: a model or category with a known
// id replaces it, a new id is appended; rankings and per-category compression policies are
// replaced per category. The file is checked on its own first (so issues name its own fields),
// then the result as a whole (rankings and fallbacks must name known models).
import { z } from 'zod'
import { CatalogError } from './catalog-error'
import { type Catalog, catalogSchema, customCatalogSchema } from './catalog-schema'

const byId = <T extends { id: string }>(base: T[], custom: T[] = []): T[] => {
  const replaced = new Map(custom.map((item) => [item.id, item]))
  const kept = base.map((item) => replaced.get(item.id) ?? item)
  const known = new Set(base.map((item) => item.id))
  return [...kept, ...custom.filter((item) => !known.has(item.id))]
}

const parsed = <T>(schema: z.ZodType<T>, value: unknown, source: string): T => {
  const result = schema.safeParse(value)
  if (!result.success) {
    throw new CatalogError(`invalid catalog ${source}:\n${z.prettifyError(result.error)}`)
  }
  return result.data
}

export const mergeCatalog = (base: Catalog, value: unknown, source: string): Catalog => {
  const custom = parsed(customCatalogSchema, value, source)
  return parsed(
    catalogSchema,
    {
      models: byId(base.models, custom.models),
      categories: byId(base.categories, custom.categories),
      rankings: { ...base.rankings, ...custom.rankings },
      compression: {
        default: base.compression.default,
        byCategory: { ...base.compression.byCategory, ...custom.compression?.byCategory },
      },
    },
    `${source} (merged over the shipped catalog)`,
  )
}
