import type { ProviderId } from '@tokenflow/api'
import { catalog } from '@tokenflow/catalog'
import { describe, expect, it } from 'vitest'
import { blendedPrice, selectModels } from './select-models'

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
