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

  it('refuses TOKENFLOW_CONFIG and its old name CATALOG_FILE together', () => {
    expect(() => parseEnv({ TOKENFLOW_CONFIG: 'a.yaml', CATALOG_FILE: 'b.json' })).toThrow(
      /CATALOG_FILE: set TOKENFLOW_CONFIG or its old name CATALOG_FILE, not both/,
    )
  })

  it('keeps every variable as given for the provider table', () => {
    expect(parseEnv({ ACME_API_KEY: 'k1' }).vars.ACME_API_KEY).toBe('k1')
  })

  it('keeps CATALOG_FILE as given, and unset when empty', () => {
    expect(parseEnv({ CATALOG_FILE: ' custom.json ' }).CATALOG_FILE).toBe('custom.json')
    expect(parseEnv({ CATALOG_FILE: '' }).CATALOG_FILE).toBeUndefined()
  })
})
