// A request's outcome as a coloured pill.
import type { RequestStatus } from '@tokenflow/api'

const CLASS: Record<RequestStatus, string> = {
  ok: 'pill pill-ok',
  error: 'pill pill-error',
  aborted: 'pill pill-off',
}

export function StatusPill({ status }: { status: RequestStatus }) {
  return <span className={CLASS[status]}>{status}</span>
}
