// The gateway answers as its own OpenAPI document says: schemathesis (from the ML service's dev
// environment) generates requests from /openapi.json against the real gateway over real sockets,
// with the real ML service and the fake provider upstream, and checks statuses, content types
// and bodies against the document.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { type FakeProvider, startFakeProvider } from '@tokenflow/fake-provider'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { buildApp } from './build-app'
import { type MlServiceHandle, mlServiceDir, startMlService } from './ml-service'
import { serveApp } from './serve-app'

const API_KEY = 'tf-conformance-key'
const CHECKS = [
  'not_a_server_error',
  'status_code_conformance',
  'response_schema_conformance',
  'content_type_conformance',
]
const schemathesisBin = resolve(mlServiceDir, '.venv/bin/schemathesis')

let ml: MlServiceHandle
let fake: FakeProvider
let gateway: Awaited<ReturnType<typeof serveApp>>

beforeAll(async () => {
  ;[ml, fake] = await Promise.all([startMlService(), startFakeProvider()])
  const { app } = await buildApp({
    ML_SERVICE_URL: ml.url,
    ML_INTERNAL_TOKEN: ml.token,
    GROQ_API_KEY: 'gsk-fake-key',
    GROQ_BASE_URL: fake.url,
    OPENROUTER_API_KEY: 'sk-or-fake-key',
    OPENROUTER_BASE_URL: fake.url,
    LOCAL_MODEL_ENABLED: 'false',
    TOKENFLOW_API_KEYS: API_KEY,
  })
  gateway = await serveApp(app)
}, 180_000)

afterAll(async () => {
  await gateway?.close()
  await Promise.all([ml?.stop(), fake?.close()])
})

// Asynchronous on purpose: the gateway under test answers from this same process.
const run = (command: string, args: string[]) =>
  new Promise<{ code: number | null; output: string }>((done, fail) => {
    const child = spawn(command, args, { env: { ...process.env, NO_COLOR: '1' } })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.on('error', fail)
    child.on('close', (code) => done({ code, output }))
  })

it.skipIf(!existsSync(schemathesisBin))(
  'conforms to its OpenAPI document (schemathesis)',
  async () => {
    const { code, output } = await run(schemathesisBin, [
      'run',
      `${gateway.url}/openapi.json`,
      '--checks',
      CHECKS.join(','),
      '--max-examples',
      '10',
      '--seed',
      '1',
      '--generation-deterministic',
      '--workers',
      '1',
      '--request-timeout',
      '30',
      '--no-color',
      '-H',
      `Authorization: Bearer ${API_KEY}`,
    ])
    if (code !== 0) console.error(output)
    expect(code, output.slice(-6_000)).toBe(0)
  },
  300_000,
)
