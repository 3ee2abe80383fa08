// The schema, as Kysely migrations defined in code and applied at startup: the same tables for
// SQLite and PostgreSQL. A change to the schema is a new migration appended here, never an edit.
import { type Kysely, sql } from 'kysely'
import { type Migration, Migrator } from 'kysely/migration'
import type { Database, Dialect } from './database'

const migrations = (dialect: Dialect): Record<string, Migration> => {
  // Byte order for ids in Postgres too, so the (time, id) keyset pages the same way on both.
  const idText = dialect === 'postgres' ? sql`text collate "C"` : 'text'
  return {
    '0001_request_log_and_keys': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('requests')
          .addColumn('id', idText, (col) => col.primaryKey())
          .addColumn('time', 'bigint', (col) => col.notNull())
          .addColumn('request_id', 'text')
          .addColumn('stream_id', 'text')
          .addColumn('api_key_id', 'text')
          .addColumn('endpoint', 'text', (col) => col.notNull())
          .addColumn('kind', 'text', (col) => col.notNull())
          .addColumn('requested_model', 'text')
          .addColumn('model', 'text')
          .addColumn('provider', 'text')
          .addColumn('category', 'text')
          .addColumn('confidence', 'double precision')
          .addColumn('strategy', 'text')
          .addColumn('compression_method', 'text')
          .addColumn('original_tokens', 'integer')
          .addColumn('compressed_tokens', 'integer')
          .addColumn('fallbacks', 'integer', (col) => col.notNull())
          .addColumn('prompt_tokens', 'integer', (col) => col.notNull())
          .addColumn('completion_tokens', 'integer', (col) => col.notNull())
          .addColumn('cost_usd', 'double precision', (col) => col.notNull())
          .addColumn('saved_tokens', 'integer', (col) => col.notNull())
          .addColumn('saved_usd', 'double precision', (col) => col.notNull())
          .addColumn('ttft_ms', 'double precision')
          .addColumn('total_ms', 'double precision', (col) => col.notNull())
          .addColumn('finish_reason', 'text')
          .addColumn('error_code', 'text')
          .addColumn('status', 'text', (col) => col.notNull())
          .addColumn('prompt', 'text')
          .addColumn('answer', 'text')
          .execute()
        await db.schema.createIndex('requests_time_idx').on('requests').column('time').execute()
        await db.schema
          .createIndex('requests_key_time_idx')
          .on('requests')
          .columns(['api_key_id', 'time'])
          .execute()
        await db.schema.createIndex('requests_model_idx').on('requests').column('model').execute()
        await db.schema
          .createIndex('requests_category_idx')
          .on('requests')
          .column('category')
          .execute()
        await db.schema.createIndex('requests_status_idx').on('requests').column('status').execute()

        await db.schema
          .createTable('api_keys')
          .addColumn('id', 'text', (col) => col.primaryKey())
          .addColumn('name', 'text', (col) => col.notNull())
          .addColumn('hash', 'text', (col) => col.notNull().unique())
          .addColumn('prefix', 'text', (col) => col.notNull())
          .addColumn('created_at', 'bigint', (col) => col.notNull())
          .addColumn('revoked_at', 'bigint')
          .addColumn('budget_usd', 'double precision')
          .addColumn('budget_period', 'text')
          .addColumn('requests_per_minute', 'integer')
          .addColumn('tokens_per_minute', 'integer')
          .addColumn('allowed_models', 'text')
          .execute()

        await db.schema
          .createTable('key_budgets')
          .addColumn('key_id', 'text', (col) => col.notNull())
          .addColumn('period_start', 'bigint', (col) => col.notNull())
          .addColumn('spent_usd', 'double precision', (col) => col.notNull())
          .addColumn('reserved_usd', 'double precision', (col) => col.notNull())
          .addPrimaryKeyConstraint('key_budgets_pk', ['key_id', 'period_start'])
          .execute()

        await db.schema
          .createTable('key_reservations')
          .addColumn('id', 'text', (col) => col.primaryKey())
          .addColumn('key_id', 'text', (col) => col.notNull())
          .addColumn('period_start', 'bigint', (col) => col.notNull())
          .addColumn('usd', 'double precision', (col) => col.notNull())
          .addColumn('created_at', 'bigint', (col) => col.notNull())
          .execute()
        await db.schema
          .createIndex('key_reservations_key_time_idx')
          .on('key_reservations')
          .columns(['key_id', 'created_at'])
          .execute()
      },
    },
  }
}

/** Applies the migrations not yet applied; a no-op on an up-to-date database. */
// Replicas that start together on one database race to create the migration tables and take
// their lock (on SQLite the loser sees a locked database or the lock row already there): a
// failed run is tried again after the winner has had time to finish.
const MIGRATION_ATTEMPTS = 5
const MIGRATION_RETRY_MS = 250

export const migrateToLatest = async (db: Kysely<Database>, dialect: Dialect): Promise<void> => {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations(dialect) },
  })
  let failure: unknown
  for (let attempt = 1; attempt <= MIGRATION_ATTEMPTS; attempt += 1) {
    const { error } = await migrator.migrateToLatest()
    if (!error) return
    failure = error
    await new Promise((retry) => setTimeout(retry, MIGRATION_RETRY_MS * attempt))
  }
  throw new Error('database migration failed', { cause: failure })
}
