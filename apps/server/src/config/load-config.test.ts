// loadConfig: the shipped catalog and provider table, a config file (JSON or YAML) merged over
// them, and errors that name the file, the variable and the field.
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CatalogError, catalog } from '@tokenflow/catalog'
import { describe, expect, it } from 'vitest'
import { shippedProviders } from '../providers/shipped-providers'
import { loadConfig } from './load-config'

const shipped = shippedProviders({
  OPENROUTER_BASE_URL: 'https://openrouter.ai/api/v1',
  LOCAL_MODEL_ENABLED: true,
  ML_SERVICE_URL: 'http://127.0.0.1:8001',
})

const fileWith = (content: string, name = 'tokenflow.config.json') => {
  const file = join(mkdtempSync(join(tmpdir(), 'tokenflow-config-')), name)
  writeFileSync(file, content)
  return { path: file, variable: 'TOKENFLOW_CONFIG' }
}

const model = (id: string, provider: string) => ({
  id,
  provider,
  providerModelId: id,
  displayName: id,
  contextWindow: 8192,
  pricing: { inputPerMillion: 0, outputPerMillion: 0 },
  quality: 50,
})

const examples = join(import.meta.dirname, '../../examples')

describe('loadConfig', () => {
  it('is the shipped catalog and table without a file', () => {
    const config = loadConfig(undefined, shipped)
    expect(config.catalog).toBe(catalog)
    expect(Object.keys(config.providers)).toEqual(['groq', 'openrouter', 'local'])
  })

  it('merges the custom-categories example: its categories come after the shipped ones', () => {
    const path = join(
      import.meta.dirname,
      '../../../../packages/catalog/examples/custom-categories.json',
    )
    const ids = loadConfig({ path, variable: 'CATALOG_FILE' }, shipped).catalog.categories.map(
      (c) => c.id,
    )
    expect(ids).toEqual([...catalog.categories.map((c) => c.id), 'legal', 'customer-support'])
  })

  it.each(readdirSync(examples))(
    'accepts the example %s, adding its providers and models',
    (name) => {
      const config = loadConfig(
        { path: join(examples, name), variable: 'TOKENFLOW_CONFIG' },
        shipped,
      )
      const added = Object.keys(config.providers).filter((id) => !shipped[id])
      expect(added.length).toBeGreaterThan(0)
      for (const id of added) {
        expect(config.catalog.models.some((m) => m.provider === id)).toBe(true)
      }
    },
  )

  it('reads YAML, and a file provider may serve a ranked model', () => {
    const file = fileWith(
      [
        'providers:',
        '  acme: { kind: openai-compatible, baseURL: "http://127.0.0.1:9/v1", apiKeyEnv: ACME_KEY }',
        'models:',
        `  - ${JSON.stringify(model('acme/chat', 'acme'))}`,
        'rankings:',
        '  text-to-text: [acme/chat]',
      ].join('\n'),
      'config.yaml',
    )
    const config = loadConfig(file, shipped)
    expect(config.providers.acme).toMatchObject({
      kind: 'openai-compatible',
      apiKeyEnv: 'ACME_KEY',
    })
    expect(config.catalog.rankings['text-to-text']).toEqual(['acme/chat'])
  })

  it('stops the start on a missing file or malformed content, naming the file', () => {
    const missing = { path: '/nonexistent/tokenflow.json', variable: 'TOKENFLOW_CONFIG' }
    expect(() => loadConfig(missing, shipped)).toThrow(CatalogError)
    expect(() => loadConfig(missing, shipped)).toThrow(/\/nonexistent\/tokenflow\.json/)
    const malformed = fileWith('{"categories": [')
    expect(() => loadConfig(malformed, shipped)).toThrow(/cannot read config .*TOKENFLOW_CONFIG/)
  })

  it.each([
    [{ rankings: { reasoning: [] } }, /TOKENFLOW_CONFIG[\s\S]*rankings\.reasoning/],
    [{ providers: { acme: { kind: 'soap', baseURL: 'http://x/v1' } } }, /providers\.acme\.kind/],
    [{ providers: { acme: { kind: 'openai-compatible' } } }, /providers\.acme\.baseURL/],
    [{ providers: { acme: { kind: 'groq', apiKey: 'inline' } } }, /apiKey/],
    // The index is the file's own, not the merged catalog's.
    [
      { models: [model('x/y', 'local'), model('x/z', 'nowhere')] },
      /unknown provider "nowhere"[\s\S]*→ at models\[1\]\.provider/,
    ],
  ])('names the bad field of %j', (content, message) => {
    expect(() => loadConfig(fileWith(JSON.stringify(content)), shipped)).toThrow(message)
  })
})
