import { describe, expect, it } from 'vitest'
import customCategories from '../examples/custom-categories.json' with { type: 'json' }
import { catalog } from './catalog'
import { CatalogError } from './catalog-error'
import { mergeCatalog } from './merge-catalog'

const legal = {
  id: 'legal',
  title: 'Legal',
  description: 'Contracts, clauses and other legal questions.',
}
const ranking = ['groq/openai/gpt-oss-120b', 'local/smollm2-135m-instruct']

const merged = (value: unknown) => mergeCatalog(catalog, value, 'test.json')
const errorOf = (value: unknown): CatalogError => {
  try {
    merged(value)
  } catch (error) {
    if (error instanceof CatalogError) return error
    throw error
  }
  throw new Error('the catalog was accepted')
}

describe('mergeCatalog', () => {
  it('appends a new category after the shipped ones, with its ranking and policy', () => {
    const result = merged({
      categories: [legal],
      rankings: { legal: ranking },
      compression: { byCategory: { legal: { enabled: false, minTokens: 0, ratio: 1 } } },
    })
    expect(result.categories.map((c) => c.id)).toEqual([
      ...catalog.categories.map((c) => c.id),
      'legal',
    ])
    // Without examples the category is zero-shot: its description alone describes it.
    expect(result.categories.at(-1)).toEqual({ ...legal, examples: [] })
    expect(result.rankings.legal).toEqual(ranking)
    expect(result.rankings.reasoning).toEqual(catalog.rankings.reasoning)
    expect(result.compression.byCategory.legal?.enabled).toBe(false)
    expect(result.compression.default).toEqual(catalog.compression.default)
  })

  it('replaces a shipped category, ranking and model with the same id, in place', () => {
    const reasoning = { ...legal, id: 'reasoning', title: 'Careful reasoning', examples: ['Why?'] }
    const [first] = catalog.models
    if (!first) throw new Error('the shipped catalog has no model')
    const result = merged({
      categories: [reasoning],
      rankings: { reasoning: ranking },
      models: [{ ...first, quality: 1 }],
    })
    expect(result.categories).toHaveLength(catalog.categories.length)
    expect(result.categories[0]).toEqual(reasoning)
    expect(result.rankings.reasoning).toEqual(ranking)
    expect(result.models).toHaveLength(catalog.models.length)
    expect(result.models[0]?.quality).toBe(1)
  })

  it('merges the example file shipped in packages/catalog/examples', () => {
    const result = merged(customCategories)
    const added = result.categories.filter((c) => ['legal', 'customer-support'].includes(c.id))
    expect(added.map((c) => [c.id, c.fallback])).toEqual([
      ['legal', 'groq/openai/gpt-oss-120b'],
      ['customer-support', 'groq/llama-3.3-70b-versatile'],
    ])
    expect(added.every((c) => c.examples.length >= 10)).toBe(true)
  })

  it('rejects a bad file and names the field', () => {
    const error = errorOf({ categories: [{ ...legal, examples: ['fine', 42] }] })
    expect(error.message).toContain('invalid catalog test.json')
    expect(error.message).toContain('categories[0].examples[1]')
  })

  it('rejects a misspelt key instead of ignoring it', () => {
    expect(errorOf({ categorys: [legal] }).message).toMatch(/categorys/)
  })

  it('rejects a new category without a ranking', () => {
    expect(errorOf({ categories: [legal] }).message).toMatch(
      /missing ranking[\s\S]*rankings\.legal/,
    )
  })

  it('rejects a fallback that is not a known model', () => {
    const message = errorOf({
      categories: [{ ...legal, fallback: 'groq/no-such-model' }],
      rankings: { legal: ranking },
    }).message
    expect(message).toContain('category legal: unknown fallback model groq/no-such-model')
    expect(message).toMatch(/categories\[\d+\]\.fallback/)
  })
})
