// `pnpm --filter @tokenflow/fake-provider start`: the fake on a fixed port for e2e and manual runs.
import { startFakeProvider } from './start-fake-provider'

const port = Number(process.env.FAKE_PROVIDER_PORT ?? 8090)
const host = process.env.FAKE_PROVIDER_HOST ?? '127.0.0.1'
const fake = await startFakeProvider({ port, host })
console.log(`fake provider listening on ${fake.url}`)

const stop = () => {
  fake.close().finally(() => process.exit(0))
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
