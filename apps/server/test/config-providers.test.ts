// A provider added only through a config file: an OpenAI-compatible fake on its own port, named
// in TOKENFLOW_CONFIG with its key in an environment variable of its own. It is listed, routed
// to directly and by category, and its key never reaches the logs, even when the provider fails.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type FakeProvider, startFakeProvider } from '@tokenflow/fake-provider'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from './build-app'
import { readJson } from './read-json'

const SECRET = 'acme-sk-7f3e9c1d5b'
let acme: FakeProvider
let built: ReturnType<typeof buildApp>

beforeAll(async () => {
  acme = await startFakeProvider()
  const dir = mkdtempSync(join(tmpdir(), 'tokenflow-acme-'))
  const file = join(dir, 'tokenflow.config.yaml')
  writeFileSync(
    file,
    [
      'providers:',
      '  acme:',
      '    kind: openai-compatible',
      `    baseURL: ${acme.url}`,
      '    apiKeyEnv: ACME_API_KEY',
      'models:',
      '  - id: acme/chat',
      '    provider: acme',
      '    providerModelId: acme-chat-v1',
      '    displayName: Acme Chat',
      '    contextWindow: 32768',
      '    pricing: { inputPerMillion: 1, outputPerMillion: 2 }',
      '    quality: 70',
      'rankings:',
      '  text-to-text: [acme/chat, groq/llama-3.3-70b-versatile]',
    ].join('\n'),
  )
  built = buildApp({ TOKENFLOW_CONFIG: file, ACME_API_KEY: SECRET })
})

afterAll(() => acme?.close())

const post = (path: string, body: unknown) =>
  built.app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

const ask = (model: string, extra: Record<string, unknown> = {}) =>
  post('/v1/chat/completions', {
    model,
    messages: [{ role: 'user', content: 'hello acme' }],
    ...extra,
  })

describe('a provider from the config file', () => {
  it('is listed with its model, available', async () => {
    const { models } = await readJson(await built.app.request('/api/models'))
    expect(models).toContainEqual(
      expect.objectContaining({ id: 'acme/chat', provider: 'acme', available: true }),
    )
    const v1 = await readJson(await built.app.request('/v1/models'))
    expect(v1.data).toContainEqual(expect.objectContaining({ id: 'acme/chat', owned_by: 'acme' }))
    const health = await readJson(await built.app.request('/readyz'))
    expect(health.dependencies).toContainEqual(
      expect.objectContaining({ name: 'acme', status: 'up' }),
    )
  })

  it('answers a direct call and a routed one, with its own key', async () => {
    const before = acme.requests.length
    const direct = await ask('acme/chat')
    expect(direct.status).toBe(200)
    expect((await readJson(direct)).model).toBe('acme/chat')
    const routed = await ask('auto', { tokenflow: { possible_categories: ['text-to-text'] } })
    expect(routed.status).toBe(200)
    expect(routed.headers.get('x-tokenflow-model')).toBe('acme/chat')
    const calls = acme.requests.slice(before).filter((r) => r.path.endsWith('/chat/completions'))
    expect(calls.map((r) => r.model)).toEqual(['acme-chat-v1', 'acme-chat-v1'])
    for (const call of calls) expect(call.headers.authorization).toBe(`Bearer ${SECRET}`)
  })

  it('never writes its key to the logs, even when it rejects the key', async () => {
    acme.script('acme-chat-v1', { kind: 'unauthorized' })
    const failed = await ask('acme/chat')
    expect(failed.status).toBe(502)
    acme.reset()
    expect(built.lines.length).toBeGreaterThan(0)
    expect(built.lines.join('\n')).not.toContain(SECRET)
  })
})
