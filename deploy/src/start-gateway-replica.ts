// One gateway replica: the real entry point (apps/server/src/index.ts) in its own process on a
// fixed port, so the balancer's server line stays right across kill() and restart().
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Proc, startCommand } from '../../bench/load/processes'

export type GatewayReplica = {
  /** Its REPLICA_ID, sent back in X-TokenFlow-Replica. */
  id: string
  /** The replica itself, bypassing the balancer. */
  url: string
  /** The running process (the last one, once killed). */
  readonly pid: number
  /** SIGKILL: a crash, no graceful shutdown. */
  kill(): Promise<void>
  /** Starts it again on the same port (after a kill, or killing it first). */
  restart(): Promise<void>
  stop(): Promise<void>
}

export type GatewayReplicaOptions = {
  id: string
  host: string
  port: number
  env: Record<string, string>
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const entry = resolve(repoRoot, 'apps/server/src/index.ts')
// tsx's loader in the node process itself (not the tsx CLI, which forks): `pid` is the gateway.
const tsxLoader = import.meta.resolve('tsx')

export const startGatewayReplica = async ({
  id,
  host,
  port,
  env,
}: GatewayReplicaOptions): Promise<GatewayReplica> => {
  const url = `http://${host}:${port}`
  const launch = () =>
    startCommand(process.execPath, ['--import', tsxLoader, entry], {
      cwd: repoRoot,
      env: { ...process.env, ...env, HOST: host, PORT: String(port), REPLICA_ID: id },
      probe: `${url}/healthz`,
      // Three replicas compile the server at once, beside two ML services loading their models.
      timeoutMs: 90_000,
    })
  let running: Proc | null = await launch()
  let pid = running.pid
  const halt = async (signal: 'SIGKILL' | 'SIGTERM') => {
    const proc = running
    running = null
    if (!proc) return
    if (signal === 'SIGKILL') {
      try {
        process.kill(proc.pid, 'SIGKILL')
      } catch {
        // already gone
      }
    }
    // Resolves once the process has exited (at once after a SIGKILL).
    await proc.stop()
  }
  return {
    id,
    url,
    get pid() {
      return pid
    },
    kill: () => halt('SIGKILL'),
    restart: async () => {
      await halt('SIGKILL')
      running = await launch()
      pid = running.pid
    },
    stop: () => halt('SIGTERM'),
  }
}
