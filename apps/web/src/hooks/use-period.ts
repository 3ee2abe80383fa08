// The period a view shows and its bounds. The bounds are fixed when a period is picked rather
// than on every render, so query inputs (and so their cache keys) stay stable; `refresh` moves
// them up to now.
import { useCallback, useState } from 'react'
import { type PeriodId, periodRange, type TimeRange } from '../lib/periods'

export type PeriodState = {
  period: PeriodId
  range: TimeRange
  select: (period: PeriodId) => void
  refresh: () => void
}

export function usePeriod(initial: PeriodId = '24h'): PeriodState {
  const [state, setState] = useState(() => ({ period: initial, range: periodRange(initial) }))
  const select = useCallback(
    (period: PeriodId) => setState({ period, range: periodRange(period) }),
    [],
  )
  const refresh = useCallback(
    () => setState((current) => ({ period: current.period, range: periodRange(current.period) })),
    [],
  )
  return { period: state.period, range: state.range, select, refresh }
}
