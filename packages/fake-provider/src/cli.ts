// `pnpm --filter @tokenflow/fake-provider start`: the fake on a fixed port for e2e, benchmark and
// manual runs. FAKE_PROVIDER_SCRIPTS names a JSON file of `{ "<model id>": <FakeBehaviour> }`;
// FAKE_PROVIDER_RECORD=false stops it keeping every request in memory during a long load run.
import { readFileSync } from 'node:fs'
import type { FakeBehaviour } from './fake-behaviour'
import { startFakeProvider } from './start-fake-provider'

const readScripts = (file: string | undefined): Array<[string, FakeBehaviour]> => {
  if (!file) return []
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'))
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`FAKE_PROVIDER_SCRIPTS: ${file} must hold an object of model id -> behaviour`)
  }
  return Object.entries(parsed as Record<string, FakeBehaviour>)
}

const port = Number(process.env.FAKE_PROVIDER_PORT ?? 8090)
const host = process.env.FAKE_PROVIDER_HOST ?? '127.0.0.1'
const record = process.env.FAKE_PROVIDER_RECORD !== 'false'
const fake = await startFakeProvider({ port, host, record })
for (const [model, behaviour] of readScripts(process.env.FAKE_PROVIDER_SCRIPTS)) {
  fake.script(model, behaviour)
}
console.log(`fake provider listening on ${fake.url}`)

const stop = () => {
  fake.close().finally(() => process.exit(0))
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
