// The period's totals: requests, spend, what compression saved, errors and first-token latency.
import type { UsageSummary } from '@tokenflow/api'
import { formatCount, formatMs, formatPercent, formatUsd } from '../lib/format'

const ms = (value: number | null) => (value === null ? '—' : formatMs(value))

export function UsageTotals({ summary }: { summary: UsageSummary }) {
  return (
    <dl className="stats" aria-label="Usage totals">
      <div>
        <dt>Requests</dt>
        <dd>{formatCount(summary.requests)}</dd>
      </div>
      <div>
        <dt>Cost</dt>
        <dd>
          {formatUsd(summary.costUsd)}
          <span className="muted small block">
            {formatCount(summary.promptTokens)} in · {formatCount(summary.completionTokens)} out
          </span>
        </dd>
      </div>
      <div>
        <dt>Saved</dt>
        <dd>
          {formatUsd(summary.savedUsd)}
          <span className="muted small block">{formatCount(summary.savedTokens)} tokens</span>
        </dd>
      </div>
      <div>
        <dt>Error rate</dt>
        <dd>
          {formatPercent(summary.errorRate, 1)}
          <span className="muted small block">
            {formatCount(summary.errors)} {summary.errors === 1 ? 'error' : 'errors'}
          </span>
        </dd>
      </div>
      <div>
        <dt>TTFT p50</dt>
        <dd>{ms(summary.ttftP50Ms)}</dd>
      </div>
      <div>
        <dt>TTFT p95</dt>
        <dd>{ms(summary.ttftP95Ms)}</dd>
      </div>
    </dl>
  )
}
