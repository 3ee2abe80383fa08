// How far a category decision can be trusted: the confidence, whether it is a calibrated
// probability, and, when it fell below the gateway's threshold, a visible abstention with the
// reason (which names the fallback or general model that serves the request instead).
import { formatPercent } from '../lib/format'

type Props = {
  confidence: number
  calibrated: boolean
  abstained: boolean
  reason: string | null
}

export function CategoryTrust({ confidence, calibrated, abstained, reason }: Props) {
  return (
    <>
      <span className="muted">
        ({formatPercent(confidence, 1)}, {calibrated ? 'calibrated' : 'uncalibrated'})
      </span>
      {abstained && (
        <span className="abstention block" role="status">
          <strong className="tag tag-warn">abstained — low confidence</strong>
          {reason && <span className="muted small block">{reason}</span>}
        </span>
      )}
    </>
  )
}
