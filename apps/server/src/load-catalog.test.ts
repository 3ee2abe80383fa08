import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CatalogError, catalog } from '@tokenflow/catalog'
import { describe, expect, it } from 'vitest'
import { loadCatalog } from './load-catalog'

const exampleFile = join(
  import.meta.dirname,
  '../../../packages/catalog/examples/custom-categories.json',
)

const fileWith = (content: string) => {
  const file = join(mkdtempSync(join(tmpdir(), 'tokenflow-catalog-')), 'catalog.json')
  writeFileSync(file, content)
  return file
}

describe('loadCatalog', () => {
  it('is the shipped catalog without CATALOG_FILE', () => {
    expect(loadCatalog(undefined)).toBe(catalog)
  })

  it('merges the example file: its categories come after the shipped ones', () => {
    const ids = loadCatalog(exampleFile).categories.map((c) => c.id)
    expect(ids).toEqual([...catalog.categories.map((c) => c.id), 'legal', 'customer-support'])
  })

  it('stops the start on a missing file or malformed JSON, naming the file', () => {
    expect(() => loadCatalog('/nonexistent/catalog.json')).toThrow(CatalogError)
    expect(() => loadCatalog('/nonexistent/catalog.json')).toThrow(/\/nonexistent\/catalog\.json/)
    const malformed = fileWith('{"categories": [')
    expect(() => loadCatalog(malformed)).toThrow(new RegExp(`cannot read catalog ${malformed}`))
  })

  it('stops the start on an invalid file, naming the field and the variable', () => {
    const invalid = fileWith(JSON.stringify({ rankings: { reasoning: [] } }))
    expect(() => loadCatalog(invalid)).toThrow(CatalogError)
    expect(() => loadCatalog(invalid)).toThrow(/CATALOG_FILE[\s\S]*at rankings\.reasoning/)
  })
})
