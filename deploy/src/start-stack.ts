// `pnpm stack` (this package's `start`): the whole stack on this machine with one command. The
// real providers come from this environment (GROQ_API_KEY, OPENROUTER_API_KEY, the repo's .env),
// the local model from the ML replicas. Prints the URL; Ctrl-C stops every process.
import { parseArgs } from 'node:util'
import { startStack } from './stack'

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '8080' },
    gateways: { type: 'string', default: '3' },
    ml: { type: 'string', default: '2' },
  },
})

const count = (name: string, value: string) => {
  const parsed = Number(value)
  if (!Number.isInteger(parsed) || parsed < 1) {
    console.error(`--${name} must be a whole number of at least 1, not ${value}`)
    process.exit(2)
  }
  return parsed
}
const settings = {
  host: values.host,
  port: count('port', values.port),
  gateways: count('gateways', values.gateways),
  mlReplicas: count('ml', values.ml),
}

// Ctrl-C reaches the children in this terminal's process group too; the ML services run in their
// own, so a Ctrl-C during start-up still has to wait for them and stop them.
let interrupted = false
const onSignal = () => {
  interrupted = true
}
process.once('SIGINT', onSignal)
process.once('SIGTERM', onSignal)

console.log('starting redis, the ML replicas, the gateways and HAProxy...')
const stack = await startStack(settings)

const stop = async () => {
  console.log('stopping...')
  await stack.stop()
  process.exit(0)
}
if (interrupted) await stop()
process.removeListener('SIGINT', onSignal)
process.removeListener('SIGTERM', onSignal)
process.once('SIGINT', () => void stop())
process.once('SIGTERM', () => void stop())

const line = (name: string, url: string) => console.log(`  ${name.padEnd(10)} ${url}`)
console.log(`TokenFlow at ${stack.url} (HAProxy, round robin over the gateways)`)
for (const gateway of stack.gateways) line(gateway.id, gateway.url)
for (const [index, service] of stack.ml.entries()) line(`ml-${index + 1}`, service.url)
line('redis', stack.redis.url)
console.log('Ctrl-C stops everything.')
