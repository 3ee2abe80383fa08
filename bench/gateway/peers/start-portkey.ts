// Portkey's open-source gateway (npm @portkey-ai/gateway) as a peer: installed with npm into
// bench/.peers/portkey, outside the workspace, and run as its own single Node process.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from '../../../apps/server/test/free-port'
import { startCommand } from '../../load/processes'
import { optionalPeer } from './optional-peer'
import { runCommand } from './run-command'

const GATEWAY = '1.15.2'
// 1.15.2 sends no streamed body through later @hono/node-server releases.
const NODE_SERVER = '1.13.5'
const dir = resolve(dirname(fileURLToPath(import.meta.url)), '../../.peers/portkey')

const manifest = (name: string): { version?: string; bin?: string } | null => {
  const file = join(dir, 'node_modules', name, 'package.json')
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null
}

const install = async () => {
  if (
    manifest('@portkey-ai/gateway')?.version === GATEWAY &&
    manifest('@hono/node-server')?.version === NODE_SERVER
  ) {
    return
  }
  mkdirSync(dir, { recursive: true })
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      name: 'tokenflow-bench-portkey',
      private: true,
      dependencies: { '@portkey-ai/gateway': GATEWAY },
      overrides: { '@hono/node-server': NODE_SERVER },
    }),
  )
  // Its one install script is patch-package, and the published package ships no patches.
  await runCommand('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts'], dir)
}

/** Requests name the upstream per call (`x-portkey-provider`, `x-portkey-custom-host`). */
export const startPortkey = () =>
  optionalPeer('Portkey', async () => {
    await install()
    const gateway = manifest('@portkey-ai/gateway')
    if (!gateway?.bin || !gateway.version) throw new Error('@portkey-ai/gateway has no bin')
    const port = await freePort()
    // `--headless` leaves out the log-viewer UI and the middleware that feeds it every request.
    const proc = await startCommand(
      process.execPath,
      [join(dir, 'node_modules/@portkey-ai/gateway', gateway.bin), `--port=${port}`, '--headless'],
      { cwd: dir, env: process.env, probe: `http://127.0.0.1:${port}/`, timeoutMs: 30_000 },
    )
    return { ...proc, name: `Portkey ${gateway.version}`, version: gateway.version }
  })
