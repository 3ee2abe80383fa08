// The gateway's OpenAPI document and its reference page, through app.request(): the document is
// valid OpenAPI, covers every mounted API with its prefix, and /docs loads Scalar from this server.
import { validate } from '@readme/openapi-parser'
import { describe, expect, it } from 'vitest'
import { buildApp } from './build-app'

const { app } = await buildApp({}, { apiKeys: ['secret-key'] })

type Document = {
  openapi: string
  paths: Record<string, Record<string, { responses: Record<string, unknown> }>>
  components: { securitySchemes: Record<string, { type: string; scheme?: string }> }
}

const documentOf = async () => {
  const response = await app.request('/openapi.json')
  expect(response.status).toBe(200)
  return (await response.json()) as Document
}

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document, served without an API key', async () => {
    const document = await documentOf()
    expect(document.openapi).toBe('3.1.0')
    const result = await validate(structuredClone(document) as never)
    expect(result.valid ? [] : result.errors).toEqual([])
  })

  it('covers /api, /v1 and health with their prefixes', async () => {
    const { paths } = await documentOf()
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining([
        '/api/compress',
        '/api/compress/messages',
        '/api/classify',
        '/api/generate',
        '/api/models/select',
        '/api/model-rankings',
        '/api/models',
        '/v1/chat/completions',
        '/v1/models',
        '/v1/models/{model}',
        '/healthz',
        '/readyz',
      ]),
    )
    expect(Object.keys(paths).some((path) => path.startsWith('/compress'))).toBe(false)
  })

  it('documents REST bodies in snake_case, the streams as event streams, and the errors', async () => {
    const document = (await documentOf()) as unknown as {
      paths: Document['paths']
      components: { schemas: Record<string, { properties: Record<string, unknown> }> }
    }
    const { schemas } = document.components
    expect(Object.keys(schemas.CompressResponse?.properties ?? {})).toContain('compressed_tokens')
    expect(Object.keys(schemas.ClassifyRequest?.properties ?? {})).toEqual(
      expect.arrayContaining(['prompt', 'possible_categories', 'multi_label']),
    )
    expect(Object.keys(schemas.ClassifyResponse?.properties ?? {})).toContain('confidence_score')
    const generate = document.paths['/api/generate']?.post?.responses as Record<
      string,
      { content: Record<string, unknown> }
    >
    expect(Object.keys(generate['200']?.content ?? {})).toEqual(['text/event-stream'])
    expect(Object.keys(generate)).toEqual(
      expect.arrayContaining(['400', '401', '413', '429', '503']),
    )
  })

  it('declares bearer auth', async () => {
    const { components } = await documentOf()
    expect(components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' })
  })
})

describe('GET /docs', () => {
  it('is an HTML page that loads the bundled Scalar script and points it at the document', async () => {
    const response = await app.request('/docs')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/html/)
    const html = await response.text()
    expect(html).toContain('src="/docs/scalar.js"')
    expect(html).toContain('/openapi.json')
    expect(html).not.toMatch(/cdn\.jsdelivr|unpkg/)
  })

  it('serves the script from node_modules as JavaScript', async () => {
    const response = await app.request('/docs/scalar.js')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/javascript/)
    expect((await response.text()).length).toBeGreaterThan(100_000)
  })
})
