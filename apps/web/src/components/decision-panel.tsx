// Why a model answered: the `metadata` event's model, category (with its confidence, and an
// abstention when the category was not trusted), scores, compression and fallbacks.
import type { MetadataEvent } from '@tokenflow/api'
import { formatCount } from '../lib/format'
import { CategoryTrust } from './category-trust'
import { ScoreBars } from './score-bars'

export function DecisionPanel({ metadata }: { metadata: MetadataEvent | null }) {
  if (!metadata) {
    return (
      <aside className="panel decision" aria-label="Routing decision">
        <h2>Decision</h2>
        <p className="muted small">The model, category and compression appear here per answer.</p>
      </aside>
    )
  }
  const { model, category, compression, fallbacks, strategy } = metadata
  return (
    <aside className="panel decision" aria-label="Routing decision">
      <h2>Decision</h2>
      <dl className="facts">
        <div>
          <dt>Model</dt>
          <dd>
            <strong>{model.displayName}</strong>
          </dd>
        </div>
        <div>
          <dt>Provider</dt>
          <dd>{model.provider}</dd>
        </div>
        {strategy && (
          <div>
            <dt>Strategy</dt>
            <dd>{strategy}</dd>
          </div>
        )}
        {category && (
          <div>
            <dt>Category</dt>
            <dd>
              {category.id} <CategoryTrust {...category} />
            </dd>
          </div>
        )}
        <div>
          <dt>Compression</dt>
          <dd>
            {compression.applied ? (
              <>
                {formatCount(compression.originalTokens ?? 0)} →{' '}
                {formatCount(compression.compressedTokens ?? 0)} tokens
                {compression.method && <span className="muted"> ({compression.method})</span>}
              </>
            ) : (
              'not applied'
            )}
            <span className="muted small block">{compression.reason}</span>
          </dd>
        </div>
      </dl>
      {category && category.scores.length > 0 && (
        <>
          <h3>Scores</h3>
          <ScoreBars scores={category.scores} label="Routing scores" compact />
        </>
      )}
      {fallbacks.length > 0 && (
        <>
          <h3>Fallbacks</h3>
          <ul className="fallbacks">
            {fallbacks.map((fallback) => (
              <li key={`${fallback.model.id}-${fallback.code}`}>
                <strong>{fallback.model.displayName}</strong>{' '}
                <span className="muted small">
                  {fallback.code}: {fallback.message}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </aside>
  )
}
