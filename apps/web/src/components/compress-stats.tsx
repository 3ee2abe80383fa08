// The numbers of one compression: token counts, the achieved ratio, and what it saves on a model.
import type { CompressOutput, ModelInfo } from '@tokenflow/api'
import { estimateInputCost } from '../lib/estimate-input-cost'
import { formatCount, formatMs, formatPercent, formatUsd } from '../lib/format'

type Props = { result: CompressOutput; model: ModelInfo | undefined }

export function CompressStats({ result, model }: Props) {
  const saved = Math.max(0, result.originalTokens - result.compressedTokens)
  const kept = result.originalTokens > 0 ? result.compressedTokens / result.originalTokens : 1
  const savedUsd = model ? estimateInputCost(saved, model) : null
  return (
    <dl className="stats" aria-label="Compression results">
      <div>
        <dt>Original tokens</dt>
        <dd>{formatCount(result.originalTokens)}</dd>
      </div>
      <div>
        <dt>Compressed tokens</dt>
        <dd>{formatCount(result.compressedTokens)}</dd>
      </div>
      <div>
        <dt>Achieved ratio</dt>
        <dd>
          {formatPercent(kept)} kept
          {kept > 0 && <span className="muted small"> ({(1 / kept).toFixed(1)}× smaller)</span>}
        </dd>
      </div>
      <div>
        <dt>Tokens saved</dt>
        <dd>{formatCount(saved)}</dd>
      </div>
      <div>
        <dt>Saved per 1,000 requests</dt>
        <dd>
          {savedUsd === null ? '—' : formatUsd(savedUsd * 1000)}
          {model && <span className="muted small"> on {model.displayName}</span>}
        </dd>
      </div>
      <div>
        <dt>Method</dt>
        <dd>
          {result.method}
          <span className="muted small"> · {formatMs(result.latencyMs)}</span>
        </dd>
      </div>
    </dl>
  )
}
