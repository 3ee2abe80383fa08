// The routing categories shipped in the catalog, used as the Classify view's starting chips.
import data from '@tokenflow/catalog/categories.json' with { type: 'json' }

export const DEFAULT_CATEGORIES: readonly string[] = data.categories.map((category) => category.id)
