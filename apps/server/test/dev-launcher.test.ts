// The `pnpm dev` launcher (scripts/dev.ts): its process manager with real child processes — one
// SIGKILLed is restarted after the delay while the other keeps running, a server that dies
// inside a watcher which lives on is restarted from its liveness URL, and stop() leaves no
// process behind — and the commands it runs, with the internal token the ML service and the
// gateway share.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { Writable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { devCommands } from '../../../scripts/dev-commands'
import { type Managed, runManaged } from '../../../scripts/run-managed'
import { freePort } from './free-port'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')

// A child that says its pid and stays up until signalled. (concurrently strips one pair of quotes
// around a whole command line, so this one must not start and end with the same quote.)
const child = `"${process.execPath}" -e 'console.log("pid", process.pid); setInterval(() => {}, 1000)'`

// A zombie counts as gone: the children outlive their shell only as zombies of PID 1, which a
// container's init may reap late.
const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  const stat = `/proc/${pid}/stat`
  return !existsSync(stat) || !/^\d+ \(.*\) Z /.test(readFileSync(stat, 'utf8'))
}

const waitUntil = async (condition: () => boolean, ms: number) => {
  const deadline = Date.now() + ms
  while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
  return condition()
}

const collect = () => {
  const sink = { text: '' }
  const output = new Writable({
    write(chunk, _encoding, done) {
      sink.text += chunk.toString()
      done()
    },
  })
  const pids = (name: string, word = 'pid') =>
    [...sink.text.matchAll(new RegExp(`^\\[${name}\\] ${word} (\\d+)$`, 'gm'))].map((m) =>
      Number(m[1]),
    )
  return { sink, output, pids }
}

const answers = (url: string) =>
  fetch(url, { signal: AbortSignal.timeout(500) }).then(
    (response) => response.ok,
    () => false,
  )

let managed: Managed | undefined
afterEach(async () => {
  await managed?.stop('SIGKILL')
  managed = undefined
})

describe('runManaged', () => {
  it('restarts a killed command after the delay while the other keeps running', async () => {
    const { sink, output, pids } = collect()
    managed = runManaged(
      [
        { name: 'steady', command: child },
        { name: 'crashy', command: child },
      ],
      { restartDelayMs: 300, outputStream: output, colors: false },
    )
    expect(
      await waitUntil(() => pids('steady').length === 1 && pids('crashy').length === 1, 10_000),
    ).toBe(true)
    const [steady] = pids('steady') as [number]
    const [first] = pids('crashy') as [number]

    const killedAt = Date.now()
    process.kill(first, 'SIGKILL')
    expect(await waitUntil(() => pids('crashy').length === 2, 10_000)).toBe(true)
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(300)
    const [, second] = pids('crashy') as [number, number]
    expect(second).not.toBe(first)
    expect(alive(first)).toBe(false)
    expect(alive(second)).toBe(true)
    expect(managed.restarts).toEqual({ steady: 0, crashy: 1 })
    expect(sink.text).toMatch(/--> crashy exited \(\w+\); restarting in 300 ms/)
    // The other one never noticed.
    expect(pids('steady')).toEqual([steady])
    expect(alive(steady)).toBe(true)

    const shells = managed.commands.map((command) => command.pid as number)
    await managed.stop()
    await new Promise((r) => setTimeout(r, 500))
    // Stopped for good: nothing restarted, nothing left running.
    expect(managed.restarts).toEqual({ steady: 0, crashy: 1 })
    for (const pid of [steady, second, ...shells]) expect(alive(pid)).toBe(false)
  })

  it('restarts a command whose server died inside a watcher that lives on', async () => {
    const { sink, output, pids } = collect()
    const [port, nowhere] = [await freePort(), await freePort()]
    const watcher = JSON.stringify(
      resolve(dirname(fileURLToPath(import.meta.url)), 'dev-launcher-watcher.mjs'),
    )
    const spec = (name: string, url: string) => ({
      name,
      command: `"${process.execPath}" ${watcher} watch`,
      liveness: { url, unansweredMs: 500, intervalMs: 100 },
    })
    managed = runManaged(
      [
        { ...spec('watched', `http://127.0.0.1:${port}/`), env: { PORT: String(port) } },
        // Its server listens elsewhere than its liveness URL: never seen alive, never restarted.
        {
          ...spec('elsewhere', `http://127.0.0.1:${nowhere}/`),
          env: { PORT: String(await freePort()) },
        },
      ],
      { restartDelayMs: 200, outputStream: output, colors: false },
    )
    expect(await waitUntil(() => pids('watched', 'server').length === 1, 10_000)).toBe(true)
    expect(await answers(`http://127.0.0.1:${port}/`)).toBe(true)
    // A few liveness rounds, so the launcher has seen it answer too.
    await new Promise((r) => setTimeout(r, 400))
    const [first] = pids('watched', 'server') as [number]
    process.kill(first, 'SIGKILL')
    expect(await waitUntil(() => pids('watched', 'server').length === 2, 10_000)).toBe(true)
    expect(sink.text).toContain(`--> watched stopped answering http://127.0.0.1:${port}/`)
    expect(await answers(`http://127.0.0.1:${port}/`)).toBe(true)
    expect(managed.restarts).toEqual({ watched: 1, elsewhere: 0 })
    expect(pids('elsewhere', 'server')).toHaveLength(1)
  })

  it('gives up after maxRestarts', async () => {
    const { sink, output } = collect()
    managed = runManaged([{ name: 'fails', command: 'exit 3' }], {
      restartDelayMs: 50,
      maxRestarts: 2,
      outputStream: output,
      colors: false,
    })
    expect(await waitUntil(() => sink.text.includes('giving up'), 5_000)).toBe(true)
    expect(managed.restarts).toEqual({ fails: 2 })
  })
})

describe('devCommands', () => {
  it("runs each package's dev script, the ML service's setup first", () => {
    const { commands } = devCommands(root, {})
    // The workspace's own pnpm binary, quoted, once installed.
    const pnpm = JSON.stringify(resolve(root, 'node_modules/.bin/pnpm'))
    expect(commands.map((c) => [c.name, c.command])).toEqual([
      ['ml', `${pnpm} run setup && ${pnpm} run dev`],
      ['server', `${pnpm} run dev`],
      ['web', `${pnpm} run dev`],
    ])
    for (const { cwd } of commands) {
      const manifest = JSON.parse(readFileSync(resolve(cwd ?? '', 'package.json'), 'utf8'))
      expect(manifest.scripts.dev).toBeTruthy()
    }
    expect(existsSync(resolve(root, 'services/ml-python/package.json'))).toBe(true)
  })

  it('watches the gateway and the ML service at the addresses the environment gives them', () => {
    const liveness = (env: Record<string, string>) =>
      devCommands(root, env).commands.map((c) => c.liveness?.url)
    expect(liveness({})).toEqual([
      'http://127.0.0.1:8001/health',
      'http://127.0.0.1:8000/healthz',
      undefined,
    ])
    expect(liveness({ HOST: '0.0.0.0', PORT: '9000', ML_HOST: '::1', ML_PORT: '9001' })).toEqual([
      'http://[::1]:9001/health',
      'http://127.0.0.1:9000/healthz',
      undefined,
    ])
  })

  it('shares one fresh random internal token between the ML service and the gateway', () => {
    const first = devCommands(root, {})
    const token = (name: string, of = first) =>
      of.commands.find((c) => c.name === name)?.env?.ML_INTERNAL_TOKEN
    expect(first.generatedToken).toBe(true)
    expect(token('ml')).toMatch(/^[0-9a-f]{64}$/)
    expect(token('server')).toBe(token('ml'))
    expect(token('web')).toBeUndefined()
    expect(token('ml', devCommands(root, {}))).not.toBe(token('ml'))
  })

  it('keeps an ML_INTERNAL_TOKEN the user set', () => {
    const given = devCommands(root, { ML_INTERNAL_TOKEN: ' my-token ' })
    expect(given.generatedToken).toBe(false)
    for (const name of ['ml', 'server']) {
      expect(given.commands.find((c) => c.name === name)?.env?.ML_INTERNAL_TOKEN).toBe('my-token')
    }
  })
})
