// usage.summary and usage.timeseries: totals and time buckets over the request log, computed by
// the database.
import type { UsageService } from '@tokenflow/api'
import { databaseUnavailable } from '../requests/database-unavailable'
import type { RequestLog } from '../store/store'

export const createUsageService = (
  requests: Pick<RequestLog, 'summary' | 'timeseries'>,
): UsageService => ({
  summary: (input) => requests.summary(input).catch(databaseUnavailable),
  timeseries: (input) => requests.timeseries(input).catch(databaseUnavailable),
})
