// The gateway's OpenAPI document (generated from the routes' zod schemas) at /openapi.json and a
// Scalar reference at /docs that loads its script from the installed package, not a CDN.
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { OpenAPIHono } from '@hono/zod-openapi'
import { Scalar } from '@scalar/hono-api-reference'
import type { AppEnv } from '../app-env'

export const OPENAPI_PATH = '/openapi.json'
export const SCALAR_SCRIPT_PATH = '/docs/scalar.js'

// The package exports only its entry point; the browser bundle sits next to it in dist/.
const scalarScriptFile = () =>
  join(
    dirname(createRequire(import.meta.url).resolve('@scalar/api-reference')),
    'browser',
    'standalone.js',
  )

let scalarScript: Promise<string> | undefined

export const serveApiDocs = (app: OpenAPIHono<AppEnv>, version: string) => {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description:
      'One of TOKENFLOW_API_KEYS (or the same key in `X-API-Key`); off when none is set.',
  })
  app.openAPIRegistry.registerComponent('securitySchemes', 'apiKeyHeader', {
    type: 'apiKey',
    in: 'header',
    name: 'X-API-Key',
  })

  app.doc31(OPENAPI_PATH, {
    openapi: '3.1.0',
    info: {
      title: 'TokenFlow gateway',
      version,
      description:
        'The seed REST API under /api (snake_case) and the OpenAI-compatible API under /v1.',
    },
    security: [{ bearerAuth: [] }, { apiKeyHeader: [] }],
  })

  app.get(SCALAR_SCRIPT_PATH, async (c) => {
    scalarScript ??= readFile(scalarScriptFile(), 'utf8')
    return c.body(await scalarScript, 200, {
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': 'public, max-age=3600',
    })
  })

  app.get(
    '/docs',
    Scalar({ url: OPENAPI_PATH, cdn: SCALAR_SCRIPT_PATH, pageTitle: 'TokenFlow API' }),
  )
}
