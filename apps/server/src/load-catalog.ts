// The catalog the gateway routes with: the shipped one, with CATALOG_FILE merged over it when set.
// Read once at start; a missing, malformed or invalid file stops the start with a CatalogError.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { type Catalog, CatalogError, catalog, mergeCatalog } from '@tokenflow/catalog'

export const loadCatalog = (file: string | undefined): Catalog => {
  if (!file) return catalog
  const path = resolve(file)
  let value: unknown
  try {
    value = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new CatalogError(`cannot read catalog ${path} (CATALOG_FILE): ${reason}`)
  }
  return mergeCatalog(catalog, value, `${path} (CATALOG_FILE)`)
}
