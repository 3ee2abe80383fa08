// Budgets of virtual keys, per key and period: a request reserves its worst-case cost first and
// settles the real cost afterwards. The check and the increment are one conditional UPDATE of the
// period row, so concurrent requests (replicas included) cannot reserve past the budget.
import type { BudgetPeriod } from '@tokenflow/api'
import { type Kysely, sql, type Transaction } from 'kysely'
import { periodStart } from './budget-period'
import type { Database } from './database'
import type { Reservation } from './store'

export type KeyBudget = { budgetUsd: number; budgetPeriod: BudgetPeriod }

// A reservation this old was never settled (its gateway crashed mid-request): when it stands in
// the way of a new one, it is released. Longer than any request may run.
const STALE_RESERVATION_MS = 15 * 60_000

/** reserved_usd less `usd`, never below zero (repeated float additions and subtractions drift). */
const lessReserved = (usd: number) =>
  sql<number>`case when reserved_usd - ${usd} < 0 then 0 else reserved_usd - ${usd} end`

const addIfWithinBudget = (
  trx: Transaction<Database>,
  keyId: string,
  period: number,
  usd: number,
  budgetUsd: number,
) =>
  trx
    .updateTable('key_budgets')
    .set({ reserved_usd: sql<number>`reserved_usd + ${usd}` })
    .where('key_id', '=', keyId)
    .where('period_start', '=', period)
    .where(sql<boolean>`spent_usd + reserved_usd + ${usd} <= ${budgetUsd}`)
    .returning('reserved_usd')
    .executeTakeFirst()

/** Releases this period's stale reservations of the key; true when there were any. */
const releaseStale = async (
  trx: Transaction<Database>,
  keyId: string,
  period: number,
  before: number,
): Promise<boolean> => {
  const stale = await trx
    .deleteFrom('key_reservations')
    .where('key_id', '=', keyId)
    .where('period_start', '=', period)
    .where('created_at', '<', before)
    .returning('usd')
    .execute()
  if (stale.length === 0) return false
  const usd = stale.reduce((sum, row) => sum + row.usd, 0)
  await trx
    .updateTable('key_budgets')
    .set({ reserved_usd: lessReserved(usd) })
    .where('key_id', '=', keyId)
    .where('period_start', '=', period)
    .execute()
  return true
}

export const reserveBudget = (
  db: Kysely<Database>,
  {
    keyId,
    budget,
    usd,
    id,
    now,
  }: { keyId: string; budget: KeyBudget; usd: number; id: string; now: number },
): Promise<Reservation> => {
  const period = periodStart(budget.budgetPeriod, now)
  return db.transaction().execute(async (trx) => {
    await trx
      .insertInto('key_budgets')
      .values({ key_id: keyId, period_start: period, spent_usd: 0, reserved_usd: 0 })
      .onConflict((conflict) => conflict.columns(['key_id', 'period_start']).doNothing())
      .execute()
    let added = await addIfWithinBudget(trx, keyId, period, usd, budget.budgetUsd)
    if (!added && (await releaseStale(trx, keyId, period, now - STALE_RESERVATION_MS)))
      added = await addIfWithinBudget(trx, keyId, period, usd, budget.budgetUsd)
    if (!added) {
      const row = await trx
        .selectFrom('key_budgets')
        .select(['spent_usd', 'reserved_usd'])
        .where('key_id', '=', keyId)
        .where('period_start', '=', period)
        .executeTakeFirstOrThrow()
      return {
        ok: false,
        spentUsd: row.spent_usd,
        reservedUsd: row.reserved_usd,
        budgetUsd: budget.budgetUsd,
      }
    }
    await trx
      .insertInto('key_reservations')
      .values({ id, key_id: keyId, period_start: period, usd, created_at: now })
      .execute()
    return { ok: true, id }
  })
}

/** Moves the reservation's amount from reserved to `actualUsd` spent in its own period, once. */
export const settleReservation = (
  db: Kysely<Database>,
  { keyId, id, actualUsd }: { keyId: string; id: string; actualUsd: number },
): Promise<void> =>
  db.transaction().execute(async (trx) => {
    const reservation = await trx
      .deleteFrom('key_reservations')
      .where('id', '=', id)
      .where('key_id', '=', keyId)
      .returning(['period_start', 'usd'])
      .executeTakeFirst()
    if (!reservation) return
    await trx
      .updateTable('key_budgets')
      .set({
        reserved_usd: lessReserved(reservation.usd),
        spent_usd: sql<number>`spent_usd + ${Math.max(0, actualUsd)}`,
      })
      .where('key_id', '=', keyId)
      .where('period_start', '=', reservation.period_start)
      .execute()
  })
