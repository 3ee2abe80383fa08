// What `pnpm dev` runs: the ML service, the gateway and the web console, each through its own
// package's `dev` script (the ML service's idempotent `setup` first, as turbo ran it), the
// internal token the ML service and the gateway share, and the liveness URLs that tell the
// launcher when a server died inside its watcher (tsx watch, uvicorn --reload).
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import type { ManagedCommand } from './run-managed'

export type DevCommands = {
  commands: ManagedCommand[]
  /** False when ML_INTERNAL_TOKEN came from the environment. */
  generatedToken: boolean
}

// A wildcard bind address is reached on loopback; an IPv6 one goes in brackets.
const reachable = (host: string | undefined) => {
  if (!host || host === '0.0.0.0' || host === '::') return '127.0.0.1'
  return host.includes(':') ? `[${host}]` : host
}

export const devCommands = (
  root: string,
  env: Readonly<Record<string, string | undefined>>,
): DevCommands => {
  const given = env.ML_INTERNAL_TOKEN?.trim()
  // In the environment of both, so it wins over either one's .env file and they always agree.
  const token = given || randomBytes(32).toString('hex')
  const shared = { ML_INTERNAL_TOKEN: token }
  // The workspace's pinned pnpm (a root devDependency), also when the launcher is started
  // without pnpm on PATH (`tsx scripts/dev.ts`).
  const local = resolve(root, 'node_modules/.bin/pnpm')
  const pnpm = existsSync(local) ? JSON.stringify(local) : 'pnpm'
  return {
    generatedToken: !given,
    commands: [
      {
        name: 'ml',
        cwd: resolve(root, 'services/ml-python'),
        command: `${pnpm} run setup && ${pnpm} run dev`,
        env: shared,
        prefixColor: 'magenta',
        // /health answers without the token. Reloading after a code change loads the models
        // again, during which nothing answers: the wait is long enough for that.
        liveness: {
          url: `http://${reachable(env.ML_HOST)}:${env.ML_PORT || '8001'}/health`,
          unansweredMs: 120_000,
        },
      },
      {
        name: 'server',
        cwd: resolve(root, 'apps/server'),
        command: `${pnpm} run dev`,
        env: shared,
        prefixColor: 'cyan',
        // tsx watch gives a reloading gateway 5 s to finish its streams before starting anew.
        liveness: {
          url: `http://${reachable(env.HOST)}:${env.PORT || '8000'}/healthz`,
          unansweredMs: 10_000,
        },
      },
      {
        name: 'web',
        cwd: resolve(root, 'apps/web'),
        command: `${pnpm} run dev`,
        prefixColor: 'green',
      },
    ],
  }
}
