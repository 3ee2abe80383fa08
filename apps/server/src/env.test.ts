import { describe, expect, it } from 'vitest'
import { EnvError, parseEnv } from './env'

describe('parseEnv', () => {
  it('abstains below 0.5 by default, and 0 turns abstention off', () => {
    expect(parseEnv({}).ROUTING_MIN_CONFIDENCE).toBe(0.5)
    expect(parseEnv({ ROUTING_MIN_CONFIDENCE: '0' }).ROUTING_MIN_CONFIDENCE).toBe(0)
  })

  it('rejects a threshold outside 0..1, naming the variable', () => {
    expect(() => parseEnv({ ROUTING_MIN_CONFIDENCE: '1.5' })).toThrow(EnvError)
    expect(() => parseEnv({ ROUTING_MIN_CONFIDENCE: 'high' })).toThrow(/ROUTING_MIN_CONFIDENCE/)
  })

  it('keeps CATALOG_FILE as given, and unset when empty', () => {
    expect(parseEnv({ CATALOG_FILE: ' custom.json ' }).CATALOG_FILE).toBe('custom.json')
    expect(parseEnv({ CATALOG_FILE: '' }).CATALOG_FILE).toBeUndefined()
  })
})
