// Starts the real Python ML service (services/ml-python) the way its `start` script does, on
// 127.0.0.1 and a free port, and waits until /ready answers. Tests use kill() and restart() to
// inject faults: kill() is SIGKILL (a crash, no graceful shutdown), restart() reuses the port.
// The service refuses to start without an internal token, so every start has one: `token` is what
// a gateway under test needs as its ML_INTERNAL_TOKEN.
import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from './free-port'

export type MlServiceHandle = {
  url: string
  /** The X-Internal-Token the service requires. */
  token: string
  stop(): Promise<void>
  kill(): Promise<void>
  restart(): Promise<void>
}

export type MlServiceOptions = {
  /** Shared token the service then requires as X-Internal-Token (default: a random one). */
  internalToken?: string
  /** How long to wait for /ready (model loading takes a while on a cold cache). */
  readyTimeoutMs?: number
  env?: Record<string, string>
}

export const mlServiceDir = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../services/ml-python',
)

const startScript = (): string => {
  const manifest = JSON.parse(readFileSync(resolve(mlServiceDir, 'package.json'), 'utf8')) as {
    scripts?: Record<string, string>
  }
  const script = manifest.scripts?.start
  if (!script) throw new Error(`${mlServiceDir}/package.json has no start script`)
  return script
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms))

const waitForReady = async (
  url: string,
  child: ChildProcess,
  timeoutMs: number,
  log: () => string,
) => {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`ML service exited (${child.exitCode ?? child.signalCode}):\n${log()}`)
    }
    try {
      const response = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(1_000) })
      if (response.ok) return
    } catch {
      // not listening yet
    }
    await sleep(200)
  }
  throw new Error(`ML service not ready after ${timeoutMs} ms:\n${log()}`)
}

const exited = (child: ChildProcess) =>
  new Promise<void>((done) => {
    if (child.exitCode !== null || child.signalCode !== null) done()
    else child.once('exit', () => done())
  })

export const startMlService = async (options: MlServiceOptions = {}): Promise<MlServiceHandle> => {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const token = options.internalToken ?? randomBytes(16).toString('hex')
  const script = startScript()
  let child: ChildProcess | undefined
  let output = ''

  const launch = async () => {
    output = ''
    const env: Record<string, string | undefined> = {
      ...process.env,
      HF_HUB_OFFLINE: '1',
      ML_HOST: '127.0.0.1',
      ML_PORT: String(port),
      ...options.env,
      ML_INTERNAL_TOKEN: token,
    }
    // Its own process group, so kill() reaches uv's python child too.
    const started = spawn('sh', ['-c', script], {
      cwd: mlServiceDir,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-8_000)
    }
    started.stdout?.on('data', keep)
    started.stderr?.on('data', keep)
    child = started
    try {
      await waitForReady(url, started, options.readyTimeoutMs ?? 180_000, () => output)
    } catch (error) {
      // Nobody holds a handle to a service that never became ready: stop it here.
      await signal('SIGKILL')
      throw error
    }
  }

  async function signal(name: NodeJS.Signals) {
    const running = child
    if (!running?.pid || running.exitCode !== null || running.signalCode !== null) return
    try {
      process.kill(-running.pid, name)
    } catch {
      // already gone
    }
    await exited(running)
  }

  await launch()
  return {
    url,
    token,
    stop: async () => {
      // Graceful first; a service that ignores SIGTERM for 5 s is killed.
      const timer = setTimeout(() => void signal('SIGKILL'), 5_000)
      await signal('SIGTERM')
      clearTimeout(timer)
    },
    kill: () => signal('SIGKILL'),
    restart: async () => {
      await signal('SIGKILL')
      await launch()
    },
  }
}
