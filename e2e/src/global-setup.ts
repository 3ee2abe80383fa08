// Starts the whole stack once for the browser tests: the fake OpenAI-compatible provider, the
// real ML service, the real server pointed at both, and the built console served by
// `vite preview` with its proxy pointed at the server. Teardown stops all of them.
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import catalogModels from '@tokenflow/catalog/models.json' with { type: 'json' }
import { type FakeProvider, startFakeProvider } from '@tokenflow/fake-provider'
import type { TestProject } from 'vitest/node'
import { bundleServer } from '../../apps/server/scripts/bundle-server'
import {
  freePort,
  runOnce,
  type Service,
  startService,
  stopService,
  waitForHttp,
} from './processes'
import { CHUNK_DELAY_MS, scriptedChunks } from './scripted-answer'

declare module 'vitest' {
  export interface ProvidedContext {
    webUrl: string
    serverUrl: string
    /** The server's static (admin) key; the preview proxy adds it to the console's requests. */
    adminKey: string
    mlPid: number
    artifactsDir: string
  }
}

const e2eDir = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const root = resolve(e2eDir, '..')
const webDir = join(root, 'apps/web')
const mlDir = join(root, 'services/ml-python')
const artifactsDir = join(e2eDir, 'artifacts')
const logDir = join(artifactsDir, 'logs')
const bin = (dir: string, name: string) => join(dir, 'node_modules/.bin', name)

// The first start of the ML service loads its models from disk; that can take minutes.
const ML_READY_MS = Number(process.env.E2E_ML_READY_TIMEOUT_MS ?? 600_000)

const scriptGroqModels = (fake: FakeProvider) => {
  const chunks = scriptedChunks()
  for (const model of catalogModels.models.filter((m) => m.provider === 'groq')) {
    fake.script(model.providerModelId, { kind: 'stream', chunks, delayMs: CHUNK_DELAY_MS })
  }
}

export default async function setup(project: TestProject) {
  mkdirSync(logDir, { recursive: true })
  const services: Service[] = []
  let fake: FakeProvider | undefined
  // Each run starts with an empty request log and no virtual keys.
  const dataDir = mkdtempSync(join(tmpdir(), 'tokenflow-e2e-'))

  const teardown = async () => {
    for (const service of services.reverse()) await stopService(service)
    await fake?.close()
    rmSync(dataDir, { recursive: true, force: true })
  }

  try {
    fake = await startFakeProvider({ port: 0 })
    scriptGroqModels(fake)

    const mlPort = await freePort()
    // The ML service refuses to start without an internal token; the server sends the same one.
    const mlToken = randomBytes(16).toString('hex')
    const ml = startService({
      name: 'ml-python',
      command: 'pnpm',
      args: ['run', '--silent', 'start'],
      cwd: mlDir,
      env: {
        ML_HOST: '127.0.0.1',
        ML_PORT: String(mlPort),
        ML_INTERNAL_TOKEN: mlToken,
        HF_HUB_OFFLINE: '1',
        TRANSFORMERS_OFFLINE: '1',
      },
      logDir,
    })
    services.push(ml)
    const mlUrl = `http://127.0.0.1:${mlPort}`

    // Build the console while the ML service loads its models.
    await runOnce({
      name: 'web-build',
      command: bin(webDir, 'vite'),
      args: ['build'],
      cwd: webDir,
      logDir,
    })

    const serverPort = await freePort()
    // Auth on, as deployed: the console reaches the admin views through vite preview's proxy,
    // which adds this key.
    const adminKey = randomBytes(16).toString('hex')
    const server = startService({
      name: 'server',
      // As production runs it: the bundle, under plain node.
      command: process.execPath,
      args: [await bundleServer()],
      // Not apps/server: a developer's .env there must not change what the suite runs against.
      cwd: e2eDir,
      env: {
        NODE_ENV: 'test',
        HOST: '127.0.0.1',
        PORT: String(serverPort),
        ML_SERVICE_URL: mlUrl,
        ML_INTERNAL_TOKEN: mlToken,
        GROQ_API_KEY: 'e2e-fake-groq-key',
        GROQ_BASE_URL: fake.url,
        OPENROUTER_API_KEY: '',
        // Routing must pick a Groq model, whose stream the fake provider paces.
        LOCAL_MODEL_ENABLED: 'false',
        TOKENFLOW_API_KEYS: adminKey,
        DATABASE_URL: '',
        DATA_DIR: dataDir,
        REQUEST_LOG: 'true',
        LOG_LEVEL: 'info',
      },
      logDir,
    })
    services.push(server)
    const serverUrl = `http://127.0.0.1:${serverPort}`

    const webPort = await freePort()
    const web = startService({
      name: 'web-preview',
      command: bin(webDir, 'vite'),
      args: ['preview', '--host', '127.0.0.1', '--port', String(webPort), '--strictPort'],
      cwd: webDir,
      env: { TOKENFLOW_SERVER_URL: serverUrl, TOKENFLOW_API_KEY: adminKey },
      logDir,
    })
    services.push(web)
    const webUrl = `http://127.0.0.1:${webPort}`

    await waitForHttp(`${serverUrl}/healthz`, server, 60_000)
    await waitForHttp(`${webUrl}/`, web, 60_000)
    await waitForHttp(`${mlUrl}/ready`, ml, ML_READY_MS)

    project.provide('webUrl', webUrl)
    project.provide('serverUrl', serverUrl)
    project.provide('adminKey', adminKey)
    project.provide('mlPid', ml.child.pid ?? 0)
    project.provide('artifactsDir', artifactsDir)
  } catch (error) {
    await teardown()
    throw error
  }
  return teardown
}
