// A provider added only through a config file: an OpenAI-compatible fake on its own port, named
// in TOKENFLOW_CONFIG with its key in an environment variable of its own. It is listed, routed
// to directly and by category, and its key never reaches the logs, even when the provider fails.
// A bad file stops the start with an error naming the field.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCaller, createContext } from '@tokenflow/api'
import { CatalogError } from '@tokenflow/catalog'
import { type FakeProvider, startFakeProvider } from '@tokenflow/fake-provider'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from './build-app'
import { readJson } from './read-json'

const SECRET = 'acme-sk-7f3e9c1d5b2a'
const MODEL = 'acme-chat'
const UPSTREAM_MODEL = 'acme-chat-v1'
const CATEGORY = 'text-to-text'

let acme: FakeProvider
let built: Awaited<ReturnType<typeof buildApp>>

const acmeModel = {
  id: MODEL,
  provider: 'acme',
  providerModelId: UPSTREAM_MODEL,
  displayName: 'Acme Chat',
  contextWindow: 32_768,
  pricing: { inputPerMillion: 1, outputPerMillion: 2 },
  quality: 70,
}

const configFile = (name: string, content: string) => {
  const file = join(mkdtempSync(join(tmpdir(), 'tokenflow-config-')), name)
  writeFileSync(file, content)
  return file
}

const jsonConfig = (value: unknown) => configFile('tokenflow.json', JSON.stringify(value))

beforeAll(async () => {
  acme = await startFakeProvider()
  const file = jsonConfig({
    providers: {
      acme: { kind: 'openai-compatible', baseURL: acme.url, apiKeyEnv: 'ACME_API_KEY' },
    },
    models: [acmeModel],
    rankings: { [CATEGORY]: [MODEL, 'groq/llama-3.3-70b-versatile'] },
  })
  built = await buildApp({ TOKENFLOW_CONFIG: file, ACME_API_KEY: SECRET })
})

afterAll(() => acme?.close())

const post = (path: string, body: unknown) =>
  built.app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

type Frame = { event: string; data: unknown }
const frames = async (response: Response): Promise<Frame[]> =>
  (await response.text())
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => JSON.parse(line.slice('data: '.length)) as Frame)

const chatCallsSince = (before: number) =>
  acme.requests.slice(before).filter((r) => r.path.endsWith('/chat/completions'))

const logs = () => built.lines.join('\n')

describe('a provider from the config file', () => {
  it('is listed with its model, available, by REST, tRPC, /v1/models and /readyz', async () => {
    const rest = await readJson(await built.app.request('/api/models'))
    expect(rest.models).toContainEqual(
      expect.objectContaining({ id: MODEL, provider: 'acme', available: true }),
    )
    const { models } = await createCaller(createContext(built.services)).models.list()
    expect(models.find((m) => m.id === MODEL)).toMatchObject({
      provider: 'acme',
      providerModelId: UPSTREAM_MODEL,
      available: true,
      unavailableReason: null,
    })
    const v1 = await readJson(await built.app.request('/v1/models'))
    expect(v1.data).toContainEqual(expect.objectContaining({ id: MODEL, owned_by: 'acme' }))
    const health = await readJson(await built.app.request('/readyz'))
    expect(health.dependencies).toContainEqual(
      expect.objectContaining({ name: 'acme', kind: 'provider', status: 'up' }),
    )
  })

  it('answers a direct generation with its own key', async () => {
    const before = acme.requests.length
    const events = await frames(await post('/api/generate', { prompt: 'hello acme', model: MODEL }))
    expect(events.map((e) => e.event).at(-1)).toBe('end_stream')
    const text = events.filter((e) => e.event === 'text_chunk').map((e) => e.data)
    expect(text.join('')).toBe('Echo: hello acme')
    const calls = chatCallsSince(before)
    expect(calls.map((r) => r.model)).toEqual([UPSTREAM_MODEL])
    expect(calls[0]?.headers.authorization).toBe(`Bearer ${SECRET}`)
  })

  it('answers a routed request for the category it ranks first', async () => {
    const before = acme.requests.length
    const events = await frames(
      await post('/api/models/select', { prompt: 'route me', possible_categories: [CATEGORY] }),
    )
    const metadata = events.find((e) => e.event === 'metadata')?.data as { model: { id: string } }
    expect(metadata.model.id).toBe(MODEL)
    expect(events.map((e) => e.event).at(-1)).toBe('end_stream')
    const calls = chatCallsSince(before)
    expect(calls.map((r) => r.model)).toEqual([UPSTREAM_MODEL])
    expect(calls[0]?.headers.authorization).toBe(`Bearer ${SECRET}`)
  })

  it('never writes its key to the logs, even when it rejects the key', async () => {
    // The redaction list came from the table: a leak would be masked, not only absent.
    expect(built.secrets).toContain(SECRET)
    expect(built.lines.length).toBeGreaterThan(0)
    expect(logs()).not.toContain(SECRET)

    acme.script(UPSTREAM_MODEL, { kind: 'unauthorized' })
    const linesBefore = built.lines.length
    const events = await frames(await post('/api/generate', { prompt: 'again', model: MODEL }))
    acme.reset()
    expect(events.map((e) => e.event)).toContain('error')
    expect(JSON.stringify(events)).not.toContain(SECRET)
    expect(built.lines.length).toBeGreaterThan(linesBefore)
    expect(logs()).not.toContain(SECRET)
  })
})

describe('the config file format', () => {
  it('reads YAML', async () => {
    const yaml = configFile(
      'tokenflow.yaml',
      [
        'providers:',
        '  acme:',
        '    kind: openai-compatible',
        `    baseURL: ${acme.url}`,
        'models:',
        `  - ${JSON.stringify(acmeModel)}`,
        'rankings:',
        `  ${CATEGORY}: [${MODEL}]`,
      ].join('\n'),
    )
    const { app } = await buildApp({ TOKENFLOW_CONFIG: yaml })
    const { models } = await readJson(await app.request('/api/models'))
    // No apiKeyEnv: a keyless server is configured as it is.
    expect(models).toContainEqual(expect.objectContaining({ id: MODEL, available: true }))
  })

  it('still reads CATALOG_FILE, but not together with TOKENFLOW_CONFIG', async () => {
    const file = jsonConfig({
      providers: { acme: { kind: 'openai-compatible', baseURL: acme.url } },
    })
    expect((await buildApp({ CATALOG_FILE: file })).providerTable.map((p) => p.id)).toContain(
      'acme',
    )
    await expect(buildApp({ CATALOG_FILE: file, TOKENFLOW_CONFIG: file })).rejects.toThrow(
      /not both/,
    )
  })

  it.each([
    [
      'an unknown kind',
      { providers: { acme: { kind: 'soap', baseURL: 'http://127.0.0.1:9/v1' } } },
      /→ at providers\.acme\.kind/,
    ],
    [
      'a model with an unknown provider',
      { models: [{ ...acmeModel, provider: 'acne' }] },
      /unknown provider "acne"[\s\S]*→ at models\[0\]\.provider/,
    ],
    [
      'a missing baseURL',
      { providers: { acme: { kind: 'openai-compatible', apiKeyEnv: 'ACME_API_KEY' } } },
      /→ at providers\.acme\.baseURL/,
    ],
  ])('refuses %s, naming the field', async (_, content, message) => {
    const file = jsonConfig(content)
    await expect(buildApp({ TOKENFLOW_CONFIG: file })).rejects.toThrow(CatalogError)
    await expect(buildApp({ TOKENFLOW_CONFIG: file })).rejects.toThrow(message)
  })
})
