// Revokes a key after a second, explicit click: revoking cannot be undone, and every client
// using the key is refused from then on.
import { useState } from 'react'

type Props = { name: string; pending: boolean; onRevoke: () => void }

export function RevokeButton({ name, pending, onRevoke }: Props) {
  const [confirming, setConfirming] = useState(false)
  if (!confirming) {
    return (
      <button
        type="button"
        className="button button-small"
        onClick={() => setConfirming(true)}
        aria-label={`Revoke ${name}`}
      >
        Revoke
      </button>
    )
  }
  return (
    <span className="confirm">
      <span className="small">Revoke for good?</span>
      <button
        type="button"
        className="button button-small button-danger"
        disabled={pending}
        onClick={onRevoke}
        aria-label={`Yes, revoke ${name}`}
      >
        {pending ? 'Revoking…' : 'Yes, revoke'}
      </button>
      <button
        type="button"
        className="button button-small button-ghost"
        disabled={pending}
        onClick={() => setConfirming(false)}
      >
        Cancel
      </button>
    </span>
  )
}
