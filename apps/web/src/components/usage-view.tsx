// Usage: what the gateway served over a period (totals, spend and savings, the routing mix by
// category and model, first-token latency and errors), from `usage.summary` and
// `usage.timeseries`.
import { useMemo } from 'react'
import { usePeriod } from '../hooks/use-period'
import { describeAdminError } from '../lib/describe-admin-error'
import { findPeriod } from '../lib/periods'
import { retryTransient } from '../lib/retry-transient'
import { toMix, toTimeline } from '../lib/usage-series'
import { trpc } from '../trpc'
import { ErrorNotice } from './error-notice'
import { ErrorRateChart } from './error-rate-chart'
import { LatencyChart } from './latency-chart'
import { MixChart } from './mix-chart'
import { PeriodPicker } from './period-picker'
import { SpendChart } from './spend-chart'
import { UsageTotals } from './usage-totals'

export function UsageView() {
  const { period, range, select, refresh } = usePeriod()
  const { bucket, label } = findPeriod(period)
  const summary = trpc.usage.summary.useQuery(range, { retry: retryTransient })
  const overall = trpc.usage.timeseries.useQuery({ ...range, bucket }, { retry: retryTransient })
  const byCategory = trpc.usage.timeseries.useQuery(
    { ...range, bucket, groupBy: 'category' },
    { retry: retryTransient },
  )
  const byModel = trpc.usage.timeseries.useQuery(
    { ...range, bucket, groupBy: 'model' },
    { retry: retryTransient },
  )

  const timeline = useMemo(() => overall.data && toTimeline(overall.data), [overall.data])
  const categoryMix = useMemo(() => byCategory.data && toMix(byCategory.data), [byCategory.data])
  const modelMix = useMemo(() => byModel.data && toMix(byModel.data), [byModel.data])
  // The four answers fail together (the same key, the same server); one notice says why.
  const failed = [summary, overall, byCategory, byModel].find((query) => query.isError)

  return (
    <section className="view" aria-labelledby="usage-title">
      <header className="view-header view-header-row">
        <div>
          <h1 id="usage-title">Usage</h1>
          <p className="muted">Requests, spend and savings across every API and key.</p>
        </div>
        <PeriodPicker value={period} onChange={select} onRefresh={refresh} />
      </header>
      {failed?.error && <ErrorNotice problem={describeAdminError(failed.error)} />}
      {!failed && summary.isPending && <p className="muted">Loading usage…</p>}
      {summary.data && summary.data.requests === 0 && (
        <p className="empty muted">
          No requests in the {label.toLowerCase()}. Send one from Chat or through the API and it
          shows up here.
        </p>
      )}
      {summary.data && summary.data.requests > 0 && (
        <>
          <UsageTotals summary={summary.data} />
          <div className="charts">
            {timeline && <SpendChart rows={timeline} bucket={bucket} />}
            {categoryMix && (
              <MixChart title="Routing mix by category" mix={categoryMix} bucket={bucket} />
            )}
            {modelMix && <MixChart title="Routing mix by model" mix={modelMix} bucket={bucket} />}
            {timeline && <LatencyChart rows={timeline} bucket={bucket} />}
            {timeline && <ErrorRateChart rows={timeline} bucket={bucket} />}
          </div>
        </>
      )}
    </section>
  )
}
