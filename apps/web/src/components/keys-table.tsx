// The virtual keys: spend against budget, limits, allowed models, when each was created or
// revoked, and a Revoke button for the live ones.
import type { KeyRecord } from '@tokenflow/api'
import { formatCount } from '../lib/format'
import { formatDate } from '../lib/format-time'
import { BudgetBar } from './budget-bar'
import { RevokeButton } from './revoke-button'

type Props = {
  keys: KeyRecord[]
  /** The key being revoked now, if any. */
  revokingId: string | null
  onRevoke: (id: string) => void
}

const limits = (key: KeyRecord) => {
  const parts = [
    key.requestsPerMinute !== null && `${formatCount(key.requestsPerMinute)} req/min`,
    key.tokensPerMinute !== null && `${formatCount(key.tokensPerMinute)} tokens/min`,
  ].filter(Boolean)
  return parts.length > 0 ? parts.join(' · ') : 'none'
}

export function KeysTable({ keys, revokingId, onRevoke }: Props) {
  return (
    <div className="table-wrap">
      <table className="data-table" aria-label="API keys">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Spend</th>
            <th scope="col">Limits</th>
            <th scope="col">Models</th>
            <th scope="col">Created</th>
            <th scope="col">Status</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {keys.map((key) => (
            <tr key={key.id} className={key.revokedAt ? 'row-unavailable' : undefined}>
              <th scope="row">
                {key.name}
                <code className="muted small block">{key.prefix}…</code>
              </th>
              <td>
                <BudgetBar {...key} />
              </td>
              <td>{limits(key)}</td>
              <td className="small">{key.allowedModels?.join(', ') ?? 'all'}</td>
              <td>{formatDate(key.createdAt)}</td>
              <td>
                {key.revokedAt ? (
                  <span className="pill pill-off">revoked {formatDate(key.revokedAt)}</span>
                ) : (
                  <span className="pill pill-ok">active</span>
                )}
              </td>
              <td>
                {!key.revokedAt && (
                  <RevokeButton
                    name={key.name}
                    pending={revokingId === key.id}
                    onRevoke={() => onRevoke(key.id)}
                  />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
