// `pnpm dev`: the ML service, the gateway and the web console side by side with prefixed logs.
// One that exits or crashes is restarted a second later while the others keep running (under
// `turbo run dev` one crash stopped all three); Ctrl-C (or SIGTERM, SIGHUP) stops them all.
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { devCommands } from './dev-commands'
import { runManaged } from './run-managed'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const { commands, generatedToken } = devCommands(root, process.env)
console.log(
  generatedToken
    ? '--> ml and server share a fresh random ML_INTERNAL_TOKEN'
    : '--> ml and server share ML_INTERNAL_TOKEN from the environment',
)
const managed = runManaged(commands, { restartDelayMs: 1_000 })

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    void managed.stop(signal).then(() => process.exit(0))
  })
}
