// Starts a real Debian PostgreSQL (the newest under /usr/lib/postgresql) on 127.0.0.1 and a free
// port, in a throwaway data directory with trust auth, and waits until it accepts connections.
// PostgreSQL refuses to run as root, so as root it runs as the `postgres` user. scripts/setup.sh
// installs the package when it is missing.
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { Client } from 'pg'
import { freePort } from './free-port'

export type PostgresServerHandle = {
  /** The `postgres` database, as the `postgres` superuser. */
  url: string
  port: number
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): Promise<string>
  /** Fast shutdown (open connections are cut), then the data directory is removed. */
  stop(): Promise<void>
}

const run = promisify(execFile)
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms))
const INSTALLED = '/usr/lib/postgresql'

const binDir = (): string => {
  const versions = existsSync(INSTALLED)
    ? readdirSync(INSTALLED)
        .filter((version) => existsSync(join(INSTALLED, version, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : []
  const [newest] = versions
  if (!newest)
    throw new Error(
      `no PostgreSQL under ${INSTALLED}: run 'pnpm --filter @tokenflow/server setup' (apt-get install postgresql)`,
    )
  return join(INSTALLED, newest, 'bin')
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((done) => child.once('exit', () => done()))

const accepts = async (url: string): Promise<boolean> => {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 1000 })
  client.on('error', () => {})
  try {
    await client.connect()
    await client.query('select 1')
    return true
  } catch {
    return false
  } finally {
    await client.end().catch(() => {})
  }
}

export const startPostgresServer = async (): Promise<PostgresServerHandle> => {
  const bin = binDir()
  const asRoot = process.getuid?.() === 0
  const asPostgres = (command: string, args: string[]): [string, string[]] =>
    asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args]

  const dir = mkdtempSync(join(tmpdir(), 'tokenflow-pg-'))
  const data = join(dir, 'data')
  if (asRoot) {
    const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim())
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim())
    chownSync(dir, uid, gid)
  }
  await run(
    ...asPostgres(join(bin, 'initdb'), [
      '-D',
      data,
      '-U',
      'postgres',
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
    ]),
  )

  const port = await freePort()
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`
  const [command, args] = asPostgres(join(bin, 'postgres'), [
    '-D',
    data,
    '-p',
    String(port),
    '-k',
    dir,
    '-c',
    'listen_addresses=127.0.0.1',
    // A test database: durability is not the point, speed is.
    '-c',
    'fsync=off',
    '-c',
    'synchronous_commit=off',
    '-c',
    'full_page_writes=off',
  ])
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const collect = (chunk: Buffer) => {
    output += chunk.toString()
  }
  child.stdout.on('data', collect)
  child.stderr.on('data', collect)

  let stopped: Promise<void> | undefined
  const stop = () => {
    stopped ??= (async () => {
      // The postmaster's own pid (under runuser, the child is runuser): SIGINT is a fast shutdown.
      const pidFile = join(data, 'postmaster.pid')
      const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').split('\n')[0]) : 0
      if (pid > 0) process.kill(pid, 'SIGINT')
      else child.kill('SIGINT')
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited(child)
      clearTimeout(killer)
      rmSync(dir, { recursive: true, force: true })
    })()
    return stopped
  }

  const deadline = Date.now() + 30_000
  while (!(await accepts(url))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop()
      throw new Error(`postgres did not accept connections on ${port}:\n${output}`)
    }
    await sleep(100)
  }

  return {
    url,
    port,
    createDatabase: async (name) => {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`)
      const client = new Client({ connectionString: url })
      await client.connect()
      try {
        await client.query(`create database ${name}`)
      } finally {
        await client.end()
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`
    },
    stop,
  }
}
