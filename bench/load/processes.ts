// The processes a load run needs, each in its own OS process so the load generator, the gateway
// and the fake provider do not share an event loop: the real server entry (src/index.ts) and the
// fake provider's CLI. Each runs as one `node` process with tsx's loader (not the tsx CLI, which
// forks a second process), so `pid` is the process whose CPU and memory a benchmark reads.
import { type ChildProcess, spawn } from 'node:child_process'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from '../../apps/server/test/free-port'

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

export type Proc = { url: string; pid: number; stop(): Promise<void> }

const tsxLoader = import.meta.resolve('tsx')

const waitFor = async (url: string, child: ChildProcess, log: () => string, timeoutMs = 30_000) => {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`process exited early:\n${log()}`)
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) })
      if (response.status < 500 || response.status === 503) return
    } catch {
      // not up yet
    }
    await new Promise((done) => setTimeout(done, 100))
  }
  throw new Error(`${url} did not come up:\n${log()}`)
}

const start = async (args: string[], env: Record<string, string>, probe: string): Promise<Proc> => {
  let output = ''
  const child = spawn(process.execPath, ['--import', tsxLoader, ...args], {
    cwd: repo,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4_000)
  }
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  await waitFor(probe, child, () => output)
  return {
    url: probe.replace(/\/[^/]*$/, ''),
    pid: child.pid as number,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done()
        child.once('exit', () => done())
        child.kill('SIGTERM')
      }),
  }
}

/** `env` takes the CLI's settings: FAKE_PROVIDER_SCRIPTS (a JSON file), FAKE_PROVIDER_RECORD. */
export const startFakeProviderProcess = async (
  env: Record<string, string> = {},
): Promise<Proc & { apiUrl: string }> => {
  const port = await freePort()
  const proc = await start(
    [resolve(repo, 'packages/fake-provider/src/cli.ts')],
    { ...env, FAKE_PROVIDER_PORT: String(port) },
    `http://127.0.0.1:${port}/openai/v1/models`,
  )
  return { ...proc, url: `http://127.0.0.1:${port}`, apiUrl: `http://127.0.0.1:${port}/openai/v1` }
}

/** `root` is the checkout to run (another one for an A/B against an earlier commit). */
export const startGatewayProcess = async (
  env: Record<string, string>,
  root = repo,
): Promise<Proc> => {
  const port = await freePort()
  const proc = await start(
    [resolve(root, 'apps/server/src/index.ts')],
    {
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MINUTE: '0',
      LOCAL_MODEL_ENABLED: 'false',
      ...env,
    },
    `http://127.0.0.1:${port}/healthz`,
  )
  return { ...proc, url: `http://127.0.0.1:${port}` }
}
