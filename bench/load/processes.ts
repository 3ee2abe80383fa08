// The processes a load run needs, each in its own OS process so the load generator, the gateway
// and the fake provider do not share an event loop: the real server entry (src/index.ts) and the
// fake provider's CLI. Each runs as one `node` process (the gateway bundled, the fake with tsx's
// loader, not the tsx CLI, which forks a second process), so `pid` is the process whose CPU and
// memory a benchmark reads.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
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

const start = (args: string[], env: Record<string, string>, probe: string): Promise<Proc> =>
  startCommand(process.execPath, ['--import', tsxLoader, ...args], {
    cwd: repo,
    env: { ...process.env, ...env },
    probe,
    timeoutMs: 30_000,
  })

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

// The checkouts whose server this process has bundled already: gateways started side by side
// from one checkout run one bundle, built once.
const bundledRoots = new Set<string>()

/**
 * The gateway as production runs it: `root`'s server bundled (its scripts/bundle-server.ts) and
 * run by plain `node`. `root` is the checkout to run (another one for an A/B against an earlier
 * commit; one from before the bundle existed runs src/index.ts under tsx's loader, as it shipped).
 */
export const startGatewayProcess = async (
  env: Record<string, string>,
  root = repo,
  /** Flags for `node` itself (`--cpu-prof`, ...), which NODE_OPTIONS does not all take. */
  nodeFlags: string[] = [],
): Promise<Proc> => {
  const bundler = resolve(root, 'apps/server/scripts/bundle-server.ts')
  const bundled = existsSync(bundler)
  if (bundled && !bundledRoots.has(root)) {
    execFileSync(process.execPath, ['--import', tsxLoader, bundler])
    bundledRoots.add(root)
  }
  const args = bundled
    ? [...nodeFlags, resolve(root, 'apps/server/dist/index.js')]
    : [...nodeFlags, '--import', tsxLoader, resolve(root, 'apps/server/src/index.ts')]
  const port = await freePort()
  const proc = await startCommand(process.execPath, args, {
    cwd: repo,
    probe: `http://127.0.0.1:${port}/healthz`,
    timeoutMs: 30_000,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MINUTE: '0',
      LOCAL_MODEL_ENABLED: 'false',
      // Its own request log: gateways started side by side do not share one SQLite file.
      DATA_DIR: mkdtempSync(join(tmpdir(), 'tokenflow-gateway-')),
      ...env,
    },
  })
  return { ...proc, url: `http://127.0.0.1:${port}` }
}

/**
 * Starts a server and waits until `probe` answers: ours (through `start`) or a peer gateway in
 * another runtime. `command` itself is the process whose CPU and memory are read, so it must serve
 * from that one process. A server that does not come up is killed.
 */
export const startCommand = async (
  command: string,
  args: string[],
  options: {
    cwd: string
    env: Record<string, string | undefined>
    probe: string
    timeoutMs: number
  },
): Promise<Proc> => {
  let output = ''
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4_000)
  }
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  const spawned = new Promise<void>((ready, fail) => {
    child.once('spawn', ready)
    child.once('error', fail)
  })
  const stop = () =>
    new Promise<void>((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done()
      // uvicorn waits on open requests after SIGTERM without a limit; the run must not hang on one.
      const kill = setTimeout(() => child.kill('SIGKILL'), 10_000)
      child.once('exit', () => {
        clearTimeout(kill)
        done()
      })
      child.kill('SIGTERM')
    })
  try {
    await spawned
    await waitFor(options.probe, child, () => output, options.timeoutMs)
  } catch (error) {
    if (child.pid !== undefined) await stop()
    throw error
  }
  return { url: new URL(options.probe).origin, pid: child.pid as number, stop }
}
