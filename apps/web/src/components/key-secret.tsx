// The secret of a key just created, shown this once: the server keeps only its hash.
import type { KeyCreated } from '@tokenflow/api'
import { CopyButton } from './copy-button'

type Props = { created: KeyCreated; onDismiss: () => void }

export function KeySecret({ created, onDismiss }: Props) {
  return (
    <section className="panel secret" aria-labelledby="key-secret-title">
      <div className="panel-head">
        <h2 id="key-secret-title">Key “{created.record.name}” created</h2>
        <button type="button" className="button button-small" onClick={onDismiss}>
          Done
        </button>
      </div>
      <p className="secret-warning" role="status">
        Copy this key now: you won't see it again. Send it as{' '}
        <code>Authorization: Bearer &lt;key&gt;</code>.
      </p>
      <div className="secret-row">
        <input
          className="secret-value"
          type="text"
          readOnly
          value={created.key}
          aria-label="New API key"
          onFocus={(event) => event.target.select()}
        />
        <CopyButton text={created.key} label="Copy key" />
      </div>
    </section>
  )
}
