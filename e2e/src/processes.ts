// Child processes of the e2e stack: each runs in its own process group with its output in a log
// file, so teardown (or a test) can stop it together with anything it spawned.
import { type ChildProcess, spawn } from 'node:child_process'
import { createWriteStream, mkdirSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'

export type Service = { name: string; child: ChildProcess; log: string }

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })

type StartOptions = {
  name: string
  command: string
  args: string[]
  cwd: string
  env?: Record<string, string>
  logDir: string
}

export const startService = ({ name, command, args, cwd, env, logDir }: StartOptions): Service => {
  mkdirSync(logDir, { recursive: true })
  const log = join(logDir, `${name}.log`)
  const out = createWriteStream(log)
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout?.pipe(out)
  child.stderr?.pipe(out)
  return { name, child, log }
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => child.once('exit', () => resolve()))

const signalGroup = (pid: number, signal: NodeJS.Signals) => {
  try {
    process.kill(-pid, signal)
  } catch {
    // The group is already gone.
  }
}

/** SIGTERM to the whole group, SIGKILL if it has not exited after `graceMs`. */
export const stopService = async ({ child }: Service, graceMs = 5_000) => {
  if (!child.pid) return
  signalGroup(child.pid, 'SIGTERM')
  const timer = setTimeout(() => child.pid && signalGroup(child.pid, 'SIGKILL'), graceMs)
  await exited(child)
  clearTimeout(timer)
  // Grandchildren (uv's python, vite's workers) may outlive the group leader briefly.
  signalGroup(child.pid, 'SIGKILL')
}

/** Resolves once `url` answers 2xx; rejects after `timeoutMs` or when the process exits. */
export const waitForHttp = async (url: string, service: Service, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs
  let last = 'no answer yet'
  while (Date.now() < deadline) {
    if (service.child.exitCode !== null) {
      throw new Error(`${service.name} exited with ${service.child.exitCode}; see ${service.log}`)
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) })
      if (response.ok) return
      last = `HTTP ${response.status}`
    } catch (error) {
      last = error instanceof Error ? error.message : String(error)
    }
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  throw new Error(
    `${service.name} not ready at ${url} after ${timeoutMs} ms (${last}); see ${service.log}`,
  )
}

/** Runs a command to completion, failing with its log when it fails. */
export const runOnce = async (options: StartOptions) => {
  const service = startService(options)
  const code = await new Promise<number | null>((resolve) => service.child.once('exit', resolve))
  if (code !== 0) throw new Error(`${options.name} failed (${code}); see ${service.log}`)
}
