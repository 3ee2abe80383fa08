// Builds the Store: opens the database named by DATABASE_URL (SQLite under DATA_DIR without
// one), brings its schema up to date, and starts the request log's batching writer.
import type { Logger } from '../observability/logger'
import type { Metrics } from '../observability/metrics'
import { openDatabase } from './database'
import { createDatabaseHealth } from './database-health'
import { createKeyStore } from './key-store'
import { migrateToLatest } from './migrations'
import { createRequestLog } from './request-log'
import { createRequestWriter } from './request-writer'
import type { Store } from './store'

export type StoreOptions = {
  /** postgres://, postgresql://, sqlite:<path> or file:<path>; absent: <dataDir>/tokenflow.db. */
  databaseUrl?: string
  dataDir: string
  metrics: Metrics
  logger: Logger
  /** Rows per insert; a full batch is written without waiting for the timer. */
  batchSize?: number
  flushMs?: number
  /** Rows held in memory at most; more are dropped (and counted) until the database catches up. */
  maxQueue?: number
  now?: () => number
}

// 29 columns a row: 1000 rows stay under SQLite's 32766 bound parameters per statement.
const MAX_BATCH = 1000

export const createStore = async ({
  databaseUrl,
  dataDir,
  metrics,
  logger,
  batchSize = 100,
  flushMs = 200,
  maxQueue = 10_000,
  now = Date.now,
}: StoreOptions): Promise<Store> => {
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH)
    throw new RangeError(`batchSize must be an integer from 1 to ${MAX_BATCH}`)
  const { db, dialect, description } = openDatabase({ databaseUrl, dataDir, logger })
  try {
    await migrateToLatest(db, dialect)
  } catch (error) {
    await db.destroy()
    throw error
  }
  const health = createDatabaseHealth({ description, logger, now })
  const writer = createRequestWriter({ db, metrics, health, batchSize, flushMs, maxQueue })
  let closing: Promise<void> | undefined
  return {
    requests: createRequestLog({ db, writer, health, now }),
    keys: createKeyStore({ db, health, now }),
    health: () => health.health(writer.dropped),
    close: () => {
      closing ??= writer.close().then(() => db.destroy())
      return closing
    },
  }
}
