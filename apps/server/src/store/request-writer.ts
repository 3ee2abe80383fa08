// The request log's write path: rows wait in a bounded in-memory queue and reach the database in
// multi-row inserts off the request path, so a slow or failing database costs log rows (counted
// in tokenflow_request_log_rows_total{result="dropped"}), never a request.
import type { RequestRecord } from '@tokenflow/api'
import type { Kysely } from 'kysely'
import type { Metrics } from '../observability/metrics'
import type { Database, RequestsTable } from './database'
import type { DatabaseHealth } from './database-health'
import { toRequestRow } from './request-rows'

export type RequestWriter = {
  record(record: RequestRecord): void
  /** Resolves once a write of everything queued before the call has been attempted. */
  flush(): Promise<void>
  /** Rows dropped so far. */
  readonly dropped: number
  /** Flushes, gives a failed batch its retry, and counts whatever is left as dropped. */
  close(): Promise<void>
}

export const createRequestWriter = ({
  db,
  metrics,
  health,
  batchSize,
  flushMs,
  maxQueue,
}: {
  db: Kysely<Database>
  metrics: Metrics
  health: DatabaseHealth
  batchSize: number
  flushMs: number
  maxQueue: number
}): RequestWriter => {
  let queue: RequestsTable[] = []
  /** A batch whose insert failed once: the next pass tries it again, then drops it. */
  let retry: RequestsTable[] = []
  let inFlight = 0
  let pass: Promise<void> | null = null
  let dropped = 0
  let closed = false

  const held = () => queue.length + retry.length + inFlight
  const updateGauge = () => metrics.requestLogQueue.set(held())
  const drop = (rows: number) => {
    dropped += rows
    metrics.requestLogRows.inc({ result: 'dropped' }, rows)
  }

  const insert = async (rows: RequestsTable[]): Promise<boolean> => {
    inFlight = rows.length
    try {
      // A retried batch may have been committed before its connection failed: skip what exists.
      await db
        .insertInto('requests')
        .values(rows)
        .onConflict((conflict) => conflict.column('id').doNothing())
        .execute()
      metrics.requestLogRows.inc({ result: 'written' }, rows.length)
      health.succeeded('write')
      return true
    } catch (error) {
      metrics.requestLogWriteErrors.inc()
      health.failed('write', 'request log insert', error)
      return false
    } finally {
      inFlight = 0
      updateGauge()
    }
  }

  // One pass at a time; a failed insert ends the pass so an outage costs one statement per flush.
  const writeQueued = async () => {
    if (retry.length > 0) {
      const rows = retry
      retry = []
      if (!(await insert(rows))) {
        drop(rows.length)
        return
      }
    }
    while (queue.length > 0) {
      const rows = queue.splice(0, batchSize)
      if (!(await insert(rows))) {
        retry = rows
        return
      }
    }
  }
  const startPass = (): Promise<void> => {
    pass ??= writeQueued().finally(() => {
      pass = null
    })
    return pass
  }
  const flush = async () => {
    if (pass) await pass
    await startPass()
  }

  const timer = setInterval(() => {
    if (queue.length > 0 || retry.length > 0) void startPass()
  }, flushMs)
  timer.unref()

  return {
    record: (record) => {
      const row = closed ? null : toRequestRow(record)
      if (!row || held() >= maxQueue) {
        drop(1)
        return
      }
      queue.push(row)
      updateGauge()
      if (queue.length >= batchSize) void startPass()
    },
    flush,
    get dropped() {
      return dropped
    },
    close: async () => {
      closed = true
      clearInterval(timer)
      await flush()
      if (retry.length > 0) await flush()
      const left = queue.length + retry.length
      queue = []
      retry = []
      if (left > 0) drop(left)
      updateGauge()
    },
  }
}
