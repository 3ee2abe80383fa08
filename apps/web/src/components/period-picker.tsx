// Picks the period of the Usage and Requests views, with a refresh that moves it up to now.
import { useId } from 'react'
import { PERIODS, type PeriodId } from '../lib/periods'

type Props = {
  value: PeriodId
  onChange: (period: PeriodId) => void
  onRefresh: () => void
}

export function PeriodPicker({ value, onChange, onRefresh }: Props) {
  const name = useId()
  return (
    <div className="period-picker">
      <fieldset className="segmented">
        <legend className="visually-hidden">Period</legend>
        {PERIODS.map((period) => (
          <label key={period.id} className="segment">
            <input
              type="radio"
              name={name}
              value={period.id}
              checked={period.id === value}
              onChange={() => onChange(period.id)}
            />
            {period.label}
          </label>
        ))}
      </fieldset>
      <button type="button" className="button button-small button-ghost" onClick={onRefresh}>
        Refresh
      </button>
    </div>
  )
}
