// Requests: the request log of a period, filtered by model, category, status and endpoint, a
// page at a time (`requests.list` with its cursor), and one request's details in a drawer.
import type { RequestRecord } from '@tokenflow/api'
import { useCallback, useMemo, useState } from 'react'
import { usePeriod } from '../hooks/use-period'
import { describeAdminError } from '../lib/describe-admin-error'
import { findPeriod } from '../lib/periods'
import { EMPTY_FILTERS, toRequestFilter } from '../lib/request-filter-fields'
import { retryTransient } from '../lib/retry-transient'
import { trpc } from '../trpc'
import { ErrorNotice } from './error-notice'
import { PeriodPicker } from './period-picker'
import { RequestDrawer } from './request-drawer'
import { RequestFilters } from './request-filters'
import { RequestsTable } from './requests-table'

const PAGE_SIZE = 50
const NO_ROWS: RequestRecord[] = []

export function RequestsView() {
  const { period, range, select, refresh } = usePeriod()
  const [filters, setFilters] = useState(EMPTY_FILTERS)
  const [openId, setOpenId] = useState<string | null>(null)
  const closeDrawer = useCallback(() => setOpenId(null), [])
  const list = trpc.requests.list.useInfiniteQuery(
    { ...range, ...toRequestFilter(filters), limit: PAGE_SIZE },
    { getNextPageParam: (page) => page.nextCursor, retry: retryTransient },
  )
  const rows = useMemo(() => list.data?.pages.flatMap((page) => page.items) ?? NO_ROWS, [list.data])

  return (
    <section className="view" aria-labelledby="requests-title">
      <header className="view-header view-header-row">
        <div>
          <h1 id="requests-title">Requests</h1>
          <p className="muted">Every generation and routing request, newest first.</p>
        </div>
        <PeriodPicker value={period} onChange={select} onRefresh={refresh} />
      </header>
      <div className="panel">
        <RequestFilters value={filters} onChange={setFilters} />
      </div>
      {list.isError && <ErrorNotice problem={describeAdminError(list.error)} />}
      {list.isPending && <p className="muted">Loading requests…</p>}
      {list.isSuccess && rows.length === 0 && (
        <p className="empty muted">
          No requests match in the {findPeriod(period).label.toLowerCase()}.
        </p>
      )}
      {rows.length > 0 && (
        <div className="panel">
          <RequestsTable rows={rows} onOpen={setOpenId} />
          <div className="table-foot">
            <span className="muted small">
              {rows.length} request{rows.length === 1 ? '' : 's'}
            </span>
            {list.hasNextPage && (
              <button
                type="button"
                className="button button-small"
                onClick={() => list.fetchNextPage()}
                disabled={list.isFetchingNextPage}
              >
                {list.isFetchingNextPage ? 'Loading…' : 'Load more'}
              </button>
            )}
          </div>
        </div>
      )}
      {openId && <RequestDrawer key={openId} id={openId} onClose={closeDrawer} />}
    </section>
  )
}
