// Keys: create virtual keys (the secret shown once), see each one's spend against its budget and
// its limits, and revoke them.
import type { KeyCreated } from '@tokenflow/api'
import { useState } from 'react'
import { describeAdminError } from '../lib/describe-admin-error'
import { retryTransient } from '../lib/retry-transient'
import { trpc } from '../trpc'
import { ErrorNotice } from './error-notice'
import { KeyCreateForm } from './key-create-form'
import { KeySecret } from './key-secret'
import { KeysTable } from './keys-table'

export function KeysView() {
  const [created, setCreated] = useState<KeyCreated | null>(null)
  const utils = trpc.useUtils()
  const keys = trpc.keys.list.useQuery(undefined, { retry: retryTransient })
  const revoke = trpc.keys.revoke.useMutation({ onSettled: () => utils.keys.list.invalidate() })

  return (
    <section className="view" aria-labelledby="keys-title">
      <header className="view-header">
        <h1 id="keys-title">Keys</h1>
        <p className="muted">
          Virtual API keys for your clients, each with its own budget, rate limits and models.
        </p>
      </header>
      {keys.isError ? (
        <ErrorNotice problem={describeAdminError(keys.error)} />
      ) : (
        <>
          {created && <KeySecret created={created} onDismiss={() => setCreated(null)} />}
          <KeyCreateForm onCreated={setCreated} />
          {revoke.isError && <ErrorNotice problem={describeAdminError(revoke.error)} />}
          {keys.isPending && <p className="muted">Loading keys…</p>}
          {keys.data && keys.data.items.length === 0 && (
            <p className="empty muted">No keys yet. Create one above.</p>
          )}
          {keys.data && keys.data.items.length > 0 && (
            <section className="panel" aria-labelledby="keys-list-title">
              <h2 id="keys-list-title">Existing keys</h2>
              <KeysTable
                keys={keys.data.items}
                revokingId={revoke.isPending ? (revoke.variables?.id ?? null) : null}
                onRevoke={(id) => revoke.mutate({ id })}
              />
            </section>
          )}
        </>
      )}
    </section>
  )
}
