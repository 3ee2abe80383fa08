import { describe, expect, it } from 'vitest'
import { defaultStreamSettings, parseStreamSettings } from './stream-settings'

describe('parseStreamSettings', () => {
  it('turns the defaults into an input the API accepts', () => {
    expect(parseStreamSettings(defaultStreamSettings)).toEqual({
      ok: true,
      value: { temperature: 0.7, topP: 1, maxTokens: 1024, compress: 'auto' },
    })
  })

  it('sends a fixed compression ratio as an object', () => {
    const parsed = parseStreamSettings({
      ...defaultStreamSettings,
      compression: 'ratio',
      compressionRatio: '0.4',
    })
    expect(parsed.ok && parsed.value.compress).toEqual({ ratio: 0.4 })
  })

  it.each([
    ['temperature', '3', /Temperature/],
    ['topP', '0', /Top-p/],
    ['maxTokens', '1.5', /Max tokens/],
    ['maxTokens', '', /Max tokens/],
  ] as const)('names the field when %s is %j', (field, value, message) => {
    const parsed = parseStreamSettings({ ...defaultStreamSettings, [field]: value })
    expect(parsed.ok).toBe(false)
    expect(!parsed.ok && parsed.error).toMatch(message)
  })
})
