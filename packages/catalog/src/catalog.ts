// The catalog shipped with TokenFlow: models.json (models, rankings, compression policy) and
// categories.json (what each routing category means, with examples for the classifier).

import { type Catalog, catalogSchema } from './catalog-schema'
import categories from './categories.json' with { type: 'json' }
import models from './models.json' with { type: 'json' }

export const parseCatalog = (value: unknown): Catalog => catalogSchema.parse(value)

export const catalog: Catalog = parseCatalog({ ...models, ...categories })
