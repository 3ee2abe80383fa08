// The request log: writes go through the batching writer, reads straight to the database.
import type { Kysely } from 'kysely'
import type { Database } from './database'
import type { DatabaseHealth } from './database-health'
import { getRequest, listRequests } from './request-queries'
import type { RequestWriter } from './request-writer'
import type { RequestLog } from './store'
import { usageSummary, usageTimeseries } from './usage-queries'

export const createRequestLog = ({
  db,
  writer,
  health,
  now,
}: {
  db: Kysely<Database>
  writer: RequestWriter
  health: DatabaseHealth
  now: () => number
}): RequestLog => ({
  record: writer.record,
  flush: writer.flush,
  list: (input) => health.track('read', 'request list', () => listRequests(db, input, now())),
  get: (id) => health.track('read', 'request get', () => getRequest(db, id)),
  summary: (input) => health.track('read', 'usage summary', () => usageSummary(db, input, now())),
  timeseries: (input) =>
    health.track('read', 'usage timeseries', () => usageTimeseries(db, input, now())),
})
