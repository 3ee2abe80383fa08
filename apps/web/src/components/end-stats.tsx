// The `end` event's numbers: speed, tokens, cost and what compression saved.
import type { EndEvent } from '@tokenflow/api'
import { formatCount, formatMs, formatUsd } from '../lib/format'

export function EndStats({ end }: { end: EndEvent }) {
  return (
    <dl className="end-stats" aria-label="Answer statistics">
      <div>
        <dt>First token</dt>
        <dd>{end.timeToFirstTokenMs === null ? '—' : formatMs(end.timeToFirstTokenMs)}</dd>
      </div>
      <div>
        <dt>Total</dt>
        <dd>{formatMs(end.totalMs)}</dd>
      </div>
      <div>
        <dt>Tokens</dt>
        <dd>
          {formatCount(end.usage.promptTokens)} in · {formatCount(end.usage.completionTokens)} out
        </dd>
      </div>
      <div>
        <dt>Cost</dt>
        <dd>{formatUsd(end.costUsd)}</dd>
      </div>
      <div>
        <dt>Saved</dt>
        <dd>
          {formatCount(end.savedTokens)} tokens · {formatUsd(end.savedUsd)}
        </dd>
      </div>
      <div>
        <dt>Finish</dt>
        <dd>{end.finishReason}</dd>
      </div>
    </dl>
  )
}
