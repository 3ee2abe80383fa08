// A catalog that cannot be used: the message names the source and every bad field, so a start-up
// with a broken TOKENFLOW_CONFIG says what to fix.
export class CatalogError extends Error {
  override name = 'CatalogError'
}
