import type { ProviderId } from '@tokenflow/api'
import { catalog, mergeCatalog } from '@tokenflow/catalog'
import { describe, expect, it } from 'vitest'
import { blendedPrice, selectAbstainedModels, selectModels } from './select-models'

const all = new Set<ProviderId>(['groq', 'openrouter', 'local'])
const ids = (list: { id: string }[]) => list.map((m) => m.id)

describe('selectModels', () => {
  it('quality keeps the catalog rank order', () => {
    expect(ids(selectModels(catalog, 'reasoning', 'quality', all))).toEqual(
      catalog.rankings.reasoning,
    )
  })

  it('skips models whose provider is unavailable', () => {
    const onlyLocal = selectModels(catalog, 'reasoning', 'quality', new Set(['local']))
    expect(ids(onlyLocal)).toEqual(['local/smollm2-135m-instruct'])
    expect(selectModels(catalog, 'reasoning', 'quality', new Set())).toEqual([])
  })

  it('cheapest orders by blended price', () => {
    const list = selectModels(catalog, 'text-to-text', 'cheapest', all)
    const prices = list.map(blendedPrice)
    expect(prices).toEqual([...prices].sort((a, b) => a - b))
    expect(list[0]?.id).toBe('local/smollm2-135m-instruct')
  })

  it('balanced takes the cheapest model within 10 quality points of the best', () => {
    // reasoning: gpt-oss-120b (90), qwen3 (88), gpt-oss-20b (80), llama-3.3 (84), local (10)
    const list = selectModels(catalog, 'reasoning', 'balanced', all)
    expect(list[0]?.id).toBe('groq/openai/gpt-oss-20b')
    expect(list.at(-1)?.id).toBe('local/smollm2-135m-instruct')
    expect(new Set(ids(list))).toEqual(new Set(catalog.rankings.reasoning))
  })
})

describe('the general models (no category) and abstained decisions', () => {
  it('ranks every catalog model by quality, then applies the strategy', () => {
    const general = selectModels(catalog, null, 'quality', all)
    expect(ids(general).slice(0, 3)).toEqual([
      'groq/openai/gpt-oss-120b',
      'openrouter/qwen/qwen3-235b-a22b-2507',
      'groq/llama-3.3-70b-versatile',
    ])
    expect(general).toHaveLength(catalog.models.length)
    expect(selectModels(catalog, null, 'cheapest', all)[0]?.id).toBe('local/smollm2-135m-instruct')
  })

  it("puts the category's fallback model first when it is available", () => {
    const withFallback = mergeCatalog(
      catalog,
      { categories: [{ ...catalog.categories[0], fallback: 'groq/llama-3.1-8b-instant' }] },
      'test',
    )
    const category = catalog.categories[0]?.id ?? ''
    const abstained = selectAbstainedModels(withFallback, category, 'quality', all)
    expect(ids(abstained).slice(0, 2)).toEqual([
      'groq/llama-3.1-8b-instant',
      'groq/openai/gpt-oss-120b',
    ])
    expect(new Set(ids(abstained)).size).toBe(catalog.models.length)
    const noGroq = selectAbstainedModels(withFallback, category, 'quality', new Set(['openrouter']))
    expect(noGroq[0]?.id).toBe('openrouter/qwen/qwen3-235b-a22b-2507')
    // Without a fallback an abstention goes to the general models.
    expect(selectAbstainedModels(catalog, category, 'quality', all)).toEqual(
      selectModels(catalog, null, 'quality', all),
    )
  })
})
