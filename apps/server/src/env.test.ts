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

  it('reads ML_SERVICE_URL as one URL or a comma-separated list of replicas', () => {
    expect(parseEnv({}).ML_SERVICE_URL).toEqual(['http://127.0.0.1:8001'])
    expect(parseEnv({ ML_SERVICE_URL: 'http://ml:8001/' }).ML_SERVICE_URL).toEqual([
      'http://ml:8001',
    ])
    expect(
      parseEnv({ ML_SERVICE_URL: ' http://ml-1:8001, http://ml-2:8001/ ,' }).ML_SERVICE_URL,
    ).toEqual(['http://ml-1:8001', 'http://ml-2:8001'])
  })

  it('names the bad URL in ML_SERVICE_URL, and refuses none or one listed twice', () => {
    expect(() => parseEnv({ ML_SERVICE_URL: 'http://ml-1:8001,ml-2:8001' })).toThrow(
      /ML_SERVICE_URL: "ml-2:8001" is not an http\(s\) URL/,
    )
    expect(() => parseEnv({ ML_SERVICE_URL: 'ftp://ml:21' })).toThrow(EnvError)
    expect(() => parseEnv({ ML_SERVICE_URL: ' , ' })).toThrow(/ML_SERVICE_URL: names no URL/)
    expect(() => parseEnv({ ML_SERVICE_URL: 'http://ml:8001,http://ml:8001/' })).toThrow(
      /"http:\/\/ml:8001\/" is listed twice/,
    )
  })

  it('keeps CATALOG_FILE as given, and unset when empty', () => {
    expect(parseEnv({ CATALOG_FILE: ' custom.json ' }).CATALOG_FILE).toBe('custom.json')
    expect(parseEnv({ CATALOG_FILE: '' }).CATALOG_FILE).toBeUndefined()
  })

  it('leaves the tokens-per-minute limit off by default, and refuses a negative one', () => {
    expect(parseEnv({}).RATE_LIMIT_TOKENS_PER_MINUTE).toBe(0)
    expect(parseEnv({ RATE_LIMIT_TOKENS_PER_MINUTE: '40000' }).RATE_LIMIT_TOKENS_PER_MINUTE).toBe(
      40_000,
    )
    expect(() => parseEnv({ RATE_LIMIT_TOKENS_PER_MINUTE: '-1' })).toThrow(
      /RATE_LIMIT_TOKENS_PER_MINUTE/,
    )
  })

  it('keeps the request log in SQLite under ./data by default, and takes only database URLs', () => {
    expect(parseEnv({})).toMatchObject({ DATA_DIR: './data', REQUEST_LOG: true })
    expect(parseEnv({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined()
    expect(parseEnv({ REQUEST_LOG: 'false' }).REQUEST_LOG).toBe(false)
    for (const url of [
      'postgres://u:p@db/tf',
      'postgresql://db/tf',
      'sqlite:tf.db',
      'file:///tf.db',
    ]) {
      expect(parseEnv({ DATABASE_URL: url }).DATABASE_URL).toBe(url)
    }
    expect(() => parseEnv({ DATABASE_URL: 'mysql://db/tf' })).toThrow(
      /DATABASE_URL: must be a postgres:\/\/, postgresql:\/\/, sqlite: or file: URL/,
    )
  })
})
