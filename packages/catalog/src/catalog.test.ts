import { describe, expect, it } from 'vitest'
import { catalog, parseCatalog } from './catalog'

describe('catalog', () => {
  it('ranks only known models for every category', () => {
    const ids = new Set(catalog.models.map((model) => model.id))
    for (const category of catalog.categories) {
      const ranked = catalog.rankings[category.id] ?? []
      expect(ranked.length).toBeGreaterThan(0)
      for (const id of ranked) expect(ids.has(id)).toBe(true)
    }
  })

  it('keeps the local model in every ranking so routing works without API keys', () => {
    const local = catalog.models.filter((model) => model.provider === 'local').map((m) => m.id)
    for (const ranked of Object.values(catalog.rankings)) {
      expect(ranked.some((id) => local.includes(id))).toBe(true)
    }
  })

  it('rejects a ranking that names an unknown model', () => {
    const broken = { ...catalog, rankings: { ...catalog.rankings, reasoning: ['nope'] } }
    expect(() => parseCatalog(broken)).toThrow(/unknown model nope/)
  })

  it('rejects duplicate model ids', () => {
    const first = catalog.models[0]
    expect(first).toBeDefined()
    expect(() => parseCatalog({ ...catalog, models: [...catalog.models, first] })).toThrow(
      /model ids must be unique/,
    )
  })
})
