// Starts a real Debian `redis-server` on 127.0.0.1 and a free port, with no persistence, and
// waits until it answers PING. kill() is SIGKILL (a crash); restart() starts it again on the same
// port, empty. scripts/setup.sh installs the package when it is missing.
import { type ChildProcess, spawn } from 'node:child_process'
import { connect } from 'node:net'
import { freePort } from './free-port'

export type RedisServerHandle = {
  url: string
  port: number
  /** The running redis-server's process id (a new one after restart). */
  readonly pid: number
  kill(): Promise<void>
  restart(): Promise<void>
  stop(): Promise<void>
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms))

/** True once a PING on a fresh connection gets +PONG. */
const pings = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    const finish = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(500, () => finish(false))
    socket.once('error', () => finish(false))
    socket.once('connect', () => socket.write('PING\r\n'))
    socket.once('data', (data) => finish(data.toString().startsWith('+PONG')))
  })

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((done) => child.once('exit', () => done()))

export const startRedisServer = async (): Promise<RedisServerHandle> => {
  const port = await freePort()
  let child: ChildProcess | undefined
  let output = ''
  const launch = async () => {
    output = ''
    const started = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    child = started
    started.stdout?.on('data', (data: Buffer) => {
      output += data.toString()
    })
    started.stderr?.on('data', (data: Buffer) => {
      output += data.toString()
    })
    const deadline = Date.now() + 10_000
    while (Date.now() < deadline) {
      if (started.exitCode !== null) throw new Error(`redis-server exited:\n${output}`)
      if (await pings(port)) return
      await sleep(50)
    }
    started.kill('SIGKILL')
    throw new Error(`redis-server did not answer PING on ${port} within 10 s:\n${output}`)
  }
  const halt = async (signal: NodeJS.Signals) => {
    if (!child) return
    const running = child
    child = undefined
    running.kill(signal)
    await exited(running)
  }
  await launch()
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get pid() {
      return child?.pid ?? 0
    },
    kill: () => halt('SIGKILL'),
    restart: async () => {
      await halt('SIGKILL')
      await launch()
    },
    stop: () => halt('SIGTERM'),
  }
}
