// HAProxy (Debian's package, scripts/setup.sh) in the foreground on a rendered haproxy.cfg. Ready
// once a /healthz through it has reached every replica, so round robin covers them all.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Proc, startCommand } from '../../bench/load/processes'
import { type HaproxyServer, haproxyConfig } from './haproxy-config'

export type HaproxyOptions = {
  host: string
  port: number
  /** Each server's name is the REPLICA_ID it answers with in X-TokenFlow-Replica. */
  servers: HaproxyServer[]
}

// Debian installs it in /usr/sbin, which a non-root PATH often lacks.
const haproxyBinary = () => (existsSync('/usr/sbin/haproxy') ? '/usr/sbin/haproxy' : 'haproxy')

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms))

const reachesEvery = async (url: string, names: string[], timeoutMs: number) => {
  const seen = new Set<string>()
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1_000) })
      const replica = response.headers.get('x-tokenflow-replica')
      if (response.ok && replica) seen.add(replica)
      if (names.every((name) => seen.has(name))) return
    } catch {
      // not listening yet
    }
    await sleep(50)
  }
  throw new Error(`HAProxy at ${url} reached only ${[...seen].join(', ') || 'no replica'}`)
}

export const startHaproxy = async ({ host, port, servers }: HaproxyOptions): Promise<Proc> => {
  const dir = mkdtempSync(join(tmpdir(), 'tokenflow-haproxy-'))
  const file = join(dir, 'haproxy.cfg')
  writeFileSync(file, haproxyConfig({ bind: `${host}:${port}`, servers }))
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`
  const cleanUp = () => rmSync(dir, { recursive: true, force: true })
  let proc: Proc
  try {
    proc = await startCommand(haproxyBinary(), ['-db', '-f', file], {
      cwd: dir,
      env: process.env,
      probe: `${url}/healthz`,
      timeoutMs: 10_000,
    })
  } catch (error) {
    cleanUp()
    throw error
  }
  const stop = async () => {
    await proc.stop()
    cleanUp()
  }
  try {
    await reachesEvery(
      url,
      servers.map((server) => server.name),
      15_000,
    )
  } catch (error) {
    await stop()
    throw error
  }
  return { url, pid: proc.pid, stop }
}
