import { describe, expect, it } from 'vitest'
import { cacheKey, canonicalJson } from './cache-key'

describe('canonicalJson', () => {
  it('sorts object keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,1]},"b":1}',
    )
    expect(canonicalJson({ a: { c: null, d: [2, 1] }, b: 1 })).toBe(
      canonicalJson({ b: 1, a: { d: [2, 1], c: null } }),
    )
  })

  it('leaves undefined members out, as the JSON sent to the ML service does', () => {
    expect(canonicalJson({ text: 'x', ratio: undefined })).toBe(canonicalJson({ text: 'x' }))
  })
})

describe('cacheKey', () => {
  it('is the prefixed SHA-256 of the operation and request', () => {
    expect(cacheKey('compress', { text: 'x' })).toMatch(/^tf:cache:compress:[0-9a-f]{64}$/)
  })

  it('is equal for equal requests, however their fields were ordered', () => {
    expect(cacheKey('compress', { text: 'x', ratio: 0.5 })).toBe(
      cacheKey('compress', { ratio: 0.5, text: 'x' }),
    )
  })

  it('differs with any option, any text, the operation or the order of a list', () => {
    const base = cacheKey('compress', { text: 'x', ratio: 0.5 })
    expect(cacheKey('compress', { text: 'x', ratio: 0.4 })).not.toBe(base)
    expect(cacheKey('compress', { text: 'y', ratio: 0.5 })).not.toBe(base)
    expect(cacheKey('compress', { text: 'x', ratio: 0.5, method: 'encoder' })).not.toBe(base)
    expect(cacheKey('compress-messages', { text: 'x', ratio: 0.5 })).not.toBe(base)
    expect(cacheKey('classify', { possible_categories: ['a', 'b'] })).not.toBe(
      cacheKey('classify', { possible_categories: ['b', 'a'] }),
    )
  })
})
