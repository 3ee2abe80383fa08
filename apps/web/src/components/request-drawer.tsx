// A side panel with one request's details (`requests.get`); Escape or Close dismisses it.
import { useEffect, useRef } from 'react'
import { describeAdminError } from '../lib/describe-admin-error'
import { retryTransient } from '../lib/retry-transient'
import { trpc } from '../trpc'
import { ErrorNotice } from './error-notice'
import { RequestDetails } from './request-details'

type Props = { id: string; onClose: () => void }

export function RequestDrawer({ id, onClose }: Props) {
  const request = trpc.requests.get.useQuery({ id }, { retry: retryTransient })
  const close = useRef<HTMLButtonElement>(null)

  // The drawer takes focus when it opens so a keyboard user lands in it; Escape leaves it.
  useEffect(() => close.current?.focus(), [])
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose()
    }
    document.addEventListener('keydown', onKey)
    return () => document.removeEventListener('keydown', onKey)
  }, [onClose])

  return (
    <aside className="drawer" role="dialog" aria-labelledby="request-drawer-title">
      <header className="panel-head">
        <h2 id="request-drawer-title">Request details</h2>
        <button ref={close} type="button" className="button button-small" onClick={onClose}>
          Close
        </button>
      </header>
      {request.isPending && <p className="muted">Loading the request…</p>}
      {request.isError && <ErrorNotice problem={describeAdminError(request.error)} />}
      {request.data && <RequestDetails record={request.data} />}
    </aside>
  )
}
