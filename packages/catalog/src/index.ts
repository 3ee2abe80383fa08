export { catalog, parseCatalog } from './catalog'
export type { Catalog, CatalogCategory, CatalogModel, CompressionPolicy } from './catalog-schema'
export { catalogSchema } from './catalog-schema'
