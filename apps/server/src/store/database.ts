// The Kysely instance behind the store, from DATABASE_URL: PostgreSQL for postgres:// URLs, else
// one SQLite file (under DATA_DIR unless a sqlite:/file: URL names it). Both share one schema.
import { mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import SqliteDatabase from 'better-sqlite3'
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely'
import type { Logger } from '../observability/logger'

/** Times are epoch milliseconds, money is USD as a double. */
export type RequestsTable = {
  id: string
  time: number
  request_id: string | null
  stream_id: string | null
  api_key_id: string | null
  endpoint: string
  kind: string
  requested_model: string | null
  model: string | null
  provider: string | null
  category: string | null
  confidence: number | null
  strategy: string | null
  compression_method: string | null
  original_tokens: number | null
  compressed_tokens: number | null
  fallbacks: number
  prompt_tokens: number
  completion_tokens: number
  cost_usd: number
  saved_tokens: number
  saved_usd: number
  ttft_ms: number | null
  total_ms: number
  finish_reason: string | null
  error_code: string | null
  status: string
  prompt: string | null
  answer: string | null
}

export type ApiKeysTable = {
  id: string
  name: string
  /** sha256 hex of the secret; the secret itself is never stored. */
  hash: string
  prefix: string
  created_at: number
  revoked_at: number | null
  budget_usd: number | null
  budget_period: string | null
  requests_per_minute: number | null
  tokens_per_minute: number | null
  /** JSON array of catalog ids, or null for every model. */
  allowed_models: string | null
}

export type KeyBudgetsTable = {
  key_id: string
  period_start: number
  spent_usd: number
  reserved_usd: number
}

export type KeyReservationsTable = {
  id: string
  key_id: string
  period_start: number
  usd: number
  created_at: number
}

export type Database = {
  requests: RequestsTable
  api_keys: ApiKeysTable
  key_budgets: KeyBudgetsTable
  key_reservations: KeyReservationsTable
}

export type Dialect = 'sqlite' | 'postgres'

export type OpenedDatabase = {
  db: Kysely<Database>
  dialect: Dialect
  /** Where the data lives, without credentials, for health and logs. */
  description: string
}

// better-sqlite3 is synchronous: while another process holds the write lock, a statement blocks
// the event loop for up to this long. Kept short; the request writer retries on its next flush.
const SQLITE_BUSY_TIMEOUT_MS = 1000

const BIGINT_OID = 20

const openPostgres = (url: string, logger: Logger): OpenedDatabase => {
  // Loaded only here: a gateway on SQLite does not carry the PostgreSQL driver in its memory.
  const { Pool, TypeOverrides } = createRequire(import.meta.url)('pg') as typeof import('pg')
  // Epoch milliseconds are bigint columns: parse them as numbers for this pool only, not for
  // every pg user in the process (all fit in 2^53).
  const types = new TypeOverrides()
  types.setTypeParser(BIGINT_OID, 'text', Number)
  const pool = new Pool({ connectionString: url, types, max: 10, connectionTimeoutMillis: 5000 })
  // An idle client whose server went away emits on the pool, and unhandled that would crash the
  // process. The outage itself is logged once by the next statement that fails.
  pool.on('error', (error) => logger.debug('postgres idle client error', { error }))
  const { hostname, port, pathname } = new URL(url)
  return {
    db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }),
    dialect: 'postgres',
    description: `postgres ${hostname}${port ? `:${port}` : ''}${pathname}`,
  }
}

const openSqlite = (file: string): OpenedDatabase => {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
  const database = new SqliteDatabase(file)
  database.pragma('journal_mode = WAL')
  database.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`)
  // WAL with NORMAL survives a crashed process; only a power loss can lose the last commits.
  database.pragma('synchronous = NORMAL')
  return {
    db: new Kysely<Database>({ dialect: new SqliteDialect({ database }) }),
    dialect: 'sqlite',
    description: `sqlite ${file}`,
  }
}

/** `sqlite:<path>`, `sqlite:///<abs>`, `file:<path>` or `file:///<abs>` to a file path. */
const sqlitePath = (url: string): string => {
  if (url.startsWith('file://')) return fileURLToPath(url)
  const path = url.slice(url.indexOf(':') + 1).replace(/^\/\//, '')
  return path === ':memory:' ? path : resolve(path)
}

export const openDatabase = ({
  databaseUrl,
  dataDir,
  logger,
}: {
  databaseUrl?: string
  dataDir: string
  logger: Logger
}): OpenedDatabase => {
  if (!databaseUrl) return openSqlite(join(resolve(dataDir), 'tokenflow.db'))
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) return openPostgres(databaseUrl, logger)
  if (/^(sqlite|file):/.test(databaseUrl)) return openSqlite(sqlitePath(databaseUrl))
  throw new Error('DATABASE_URL must start with postgres://, postgresql://, sqlite: or file:')
}
