// One gateway replica: the real entry point as production runs it (apps/server's bundle, see
// apps/server/scripts/bundle-server.ts) in its own process on a fixed port, so the balancer's
// server line stays right across kill() and restart().
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { bundleServer } from '../../apps/server/scripts/bundle-server'
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
// Bundled once for every replica of this process; `node` runs it, so `pid` is the gateway.
let bundle: Promise<string> | undefined

export const startGatewayReplica = async ({
  id,
  host,
  port,
  env,
}: GatewayReplicaOptions): Promise<GatewayReplica> => {
  const url = `http://${host}:${port}`
  bundle ??= bundleServer()
  const entry = await bundle
  const launch = () =>
    startCommand(process.execPath, [entry], {
      cwd: repoRoot,
      env: { ...process.env, ...env, HOST: host, PORT: String(port), REPLICA_ID: id },
      probe: `${url}/healthz`,
      // Three replicas start at once, beside two ML services loading their models.
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
