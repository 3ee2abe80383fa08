// Virtual keys: created with a random secret of which only the sha256 is kept, verified on every
// request through a short in-process cache, and revoked at once on this replica (within the
// cache TTL on the others). Budgets are delegated to key-budgets.
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import type { KeyRecord } from '@tokenflow/api'
import type { Kysely } from 'kysely'
import { LRUCache } from 'lru-cache'
import { periodStart } from './budget-period'
import type { ApiKeysTable, Database } from './database'
import type { DatabaseHealth } from './database-health'
import { type KeyBudget, reserveBudget, settleReservation } from './key-budgets'
import type { KeyStore, VirtualKey } from './store'

/** How every virtual key's secret starts: what tells it from a static key or a placeholder. */
export const SECRET_PREFIX = 'tf_'
const PREFIX_LENGTH = 10
const VERIFY_CACHE_MS = 5000
const CACHE_KEYS = 10_000

const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex')

const budgetOfRow = (row: Pick<ApiKeysTable, 'budget_usd' | 'budget_period'>): KeyBudget | null =>
  row.budget_usd !== null && (row.budget_period === 'day' || row.budget_period === 'month')
    ? { budgetUsd: row.budget_usd, budgetPeriod: row.budget_period }
    : null

const toVirtualKey = (row: ApiKeysTable): VirtualKey => {
  const budget = budgetOfRow(row)
  return {
    id: row.id,
    name: row.name,
    budgetUsd: budget?.budgetUsd ?? null,
    budgetPeriod: budget?.budgetPeriod ?? null,
    requestsPerMinute: row.requests_per_minute,
    tokensPerMinute: row.tokens_per_minute,
    allowedModels: row.allowed_models === null ? null : JSON.parse(row.allowed_models),
  }
}

const toKeyRecord = (row: ApiKeysTable, spentUsd: number, now: number): KeyRecord => {
  const key = toVirtualKey(row)
  return {
    ...key,
    prefix: row.prefix,
    createdAt: new Date(row.created_at).toISOString(),
    revokedAt: row.revoked_at === null ? null : new Date(row.revoked_at).toISOString(),
    spentUsd,
    periodStart: key.budgetPeriod
      ? new Date(periodStart(key.budgetPeriod, now)).toISOString()
      : null,
  }
}

export const createKeyStore = ({
  db,
  health,
  now,
}: {
  db: Kysely<Database>
  health: DatabaseHealth
  now: () => number
}): KeyStore => {
  const verified = new LRUCache<string, VirtualKey>({ max: CACHE_KEYS, ttl: VERIFY_CACHE_MS })
  // Budgets never change once a key exists (there is no update), so they are cached for good.
  const budgets = new LRUCache<string, { budget: KeyBudget | null }>({ max: CACHE_KEYS })
  // Bumped by every revoke: a verify that started before one does not cache its answer.
  let revocations = 0

  const budgetOf = async (keyId: string): Promise<KeyBudget | null> => {
    const cached = budgets.get(keyId)
    if (cached) return cached.budget
    const row = await db
      .selectFrom('api_keys')
      .select(['budget_usd', 'budget_period'])
      .where('id', '=', keyId)
      .executeTakeFirst()
    // Unknown ids (a static key's hash) have no budget either.
    const budget = row ? budgetOfRow(row) : null
    budgets.set(keyId, { budget })
    return budget
  }

  return {
    create: (input) =>
      health.track('write', 'key create', async () => {
        const secret = `${SECRET_PREFIX}${randomBytes(32).toString('base64url')}`
        const createdAt = now()
        const row: ApiKeysTable = {
          id: `vk_${randomBytes(8).toString('hex')}`,
          name: input.name,
          hash: hashSecret(secret),
          prefix: secret.slice(0, PREFIX_LENGTH),
          created_at: createdAt,
          revoked_at: null,
          budget_usd: input.budgetUsd ?? null,
          budget_period: input.budgetPeriod ?? null,
          requests_per_minute: input.requestsPerMinute ?? null,
          tokens_per_minute: input.tokensPerMinute ?? null,
          allowed_models: input.allowedModels ? JSON.stringify(input.allowedModels) : null,
        }
        await db.insertInto('api_keys').values(row).execute()
        return { key: secret, record: toKeyRecord(row, 0, createdAt) }
      }),

    list: () =>
      health.track('read', 'key list', async () => {
        const at = now()
        const rows = await db
          .selectFrom('api_keys')
          .selectAll()
          .orderBy('created_at', 'desc')
          .orderBy('id', 'desc')
          .execute()
        const periods = await db
          .selectFrom('key_budgets')
          .select(['key_id', 'period_start', 'spent_usd'])
          .where('period_start', 'in', [periodStart('day', at), periodStart('month', at)])
          .execute()
        const spent = new Map(periods.map((row) => [`${row.key_id} ${row.period_start}`, row]))
        return {
          items: rows.map((row) => {
            const budget = budgetOfRow(row)
            const current = budget
              ? spent.get(`${row.id} ${periodStart(budget.budgetPeriod, at)}`)
              : undefined
            return toKeyRecord(row, current?.spent_usd ?? 0, at)
          }),
        }
      }),

    revoke: (id) =>
      health.track('write', 'key revoke', async () => {
        const result = await db
          .updateTable('api_keys')
          .set({ revoked_at: now() })
          .where('id', '=', id)
          .where('revoked_at', 'is', null)
          .executeTakeFirst()
        revocations += 1
        for (const [hash, key] of [...verified.entries()]) if (key.id === id) verified.delete(hash)
        return Number(result.numUpdatedRows) > 0
      }),

    verify: async (secret) => {
      // Not one of ours (a static key, a typo): no database round trip.
      if (!secret.startsWith(SECRET_PREFIX)) return null
      const hash = hashSecret(secret)
      const cached = verified.get(hash)
      if (cached) return cached
      const seen = revocations
      const row = await health.track('read', 'key verify', () =>
        db
          .selectFrom('api_keys')
          .selectAll()
          .where('hash', '=', hash)
          .where('revoked_at', 'is', null)
          .executeTakeFirst(),
      )
      if (!row) return null
      const key = toVirtualKey(row)
      if (seen === revocations) verified.set(hash, key)
      budgets.set(key.id, { budget: budgetOfRow(row) })
      return key
    },

    reserve: (keyId, usd) =>
      health.track('write', 'budget reserve', async () => {
        const id = `rs_${randomUUID()}`
        const budget = await budgetOf(keyId)
        if (!budget) return { ok: true, id }
        return reserveBudget(db, { keyId, budget, usd, id, now: now() })
      }),

    settle: (keyId, reservationId, actualUsd) =>
      health.track('write', 'budget settle', async () => {
        // Keys without a budget never stored a reservation.
        if (!(await budgetOf(keyId))) return
        await settleReservation(db, { keyId, id: reservationId, actualUsd })
      }),
  }
}
