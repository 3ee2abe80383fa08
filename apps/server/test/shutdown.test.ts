// The real entry point as production runs it (src/index.ts bundled, `node dist/index.js`): it
// reads its env, opens its database, serves, and exits cleanly on SIGTERM.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { bundleServer } from '../scripts/bundle-server'
import { freePort } from './free-port'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')

describe('dist/index.js', () => {
  let bundle = ''
  beforeAll(async () => {
    bundle = await bundleServer()
  })

  it('serves /healthz on PORT and exits 0 on SIGTERM', async () => {
    const port = await freePort()
    const dataDir = mkdtempSync(join(tmpdir(), 'tokenflow-shutdown-'))
    const child = spawn(process.execPath, [bundle], {
      cwd: root,
      env: {
        ...process.env,
        PORT: String(port),
        ML_SERVICE_URL: `http://127.0.0.1:${await freePort()}`,
        TOKENFLOW_API_KEYS: 'shutdown-test-key-123',
        DATA_DIR: dataDir,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)))
    const deadline = Date.now() + 20_000
    let status = 0
    while (Date.now() < deadline && status !== 200) {
      status = await fetch(`http://127.0.0.1:${port}/healthz`)
        .then((r) => r.status)
        .catch(() => 0)
      if (status !== 200) await new Promise((done) => setTimeout(done, 100))
    }
    expect(status).toBe(200)
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
    expect(output).toContain('"msg":"listening"')
    expect(output).toContain('"msg":"stopped"')
    expect(output).not.toContain('shutdown-test-key-123')
    expect(existsSync(join(dataDir, 'tokenflow.db'))).toBe(true)
  })

  it('refuses to start when its database cannot be opened, saying so', async () => {
    const notADirectory = join(mkdtempSync(join(tmpdir(), 'tokenflow-shutdown-')), 'file')
    writeFileSync(notADirectory, '')
    const child = spawn(process.execPath, [bundle], {
      cwd: root,
      env: {
        ...process.env,
        PORT: String(await freePort()),
        DATA_DIR: join(notADirectory, 'data'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    const code = await new Promise<number | null>((done) => child.once('exit', (c) => done(c)))
    expect(code).toBe(1)
    expect(output).toContain('the database cannot be opened')
    expect(output).not.toContain('"msg":"listening"')
  })

  it('refuses to start with an invalid env, naming the variable', async () => {
    const child = spawn(process.execPath, [bundle], {
      cwd: root,
      env: { ...process.env, PORT: 'eighty' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let errors = ''
    child.stderr.on('data', (chunk: Buffer) => {
      errors += chunk.toString()
    })
    const code = await new Promise<number | null>((done) => child.once('exit', (c) => done(c)))
    expect(code).toBe(1)
    expect(errors).toContain('PORT')
  })
})
