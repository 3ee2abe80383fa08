// A key's spend in its current budget period against the budget, as a bar that turns amber
// past 80% and red at the budget.
import type { KeyRecord } from '@tokenflow/api'
import { formatPercent, formatUsd } from '../lib/format'

const WARN_AT = 0.8

type Props = Pick<KeyRecord, 'spentUsd' | 'budgetUsd' | 'budgetPeriod'>

export function BudgetBar({ spentUsd, budgetUsd, budgetPeriod }: Props) {
  if (budgetUsd === null) {
    return (
      <span>
        {formatUsd(spentUsd)} <span className="muted small">no budget</span>
      </span>
    )
  }
  const share = budgetUsd > 0 ? spentUsd / budgetUsd : 1
  const level = share >= 1 ? 'over' : share >= WARN_AT ? 'warn' : 'ok'
  const text = `${formatUsd(spentUsd)} of ${formatUsd(budgetUsd)} per ${budgetPeriod ?? 'period'}`
  return (
    <div className="budget" data-level={level}>
      <div
        className="budget-track"
        role="progressbar"
        aria-label="Spend against budget"
        aria-valuemin={0}
        aria-valuemax={budgetUsd}
        aria-valuenow={Math.min(spentUsd, budgetUsd)}
        aria-valuetext={`${text} (${formatPercent(share)})`}
      >
        <span className="budget-fill" style={{ width: `${Math.min(100, share * 100)}%` }} />
      </div>
      <span className="small">{text}</span>
    </div>
  )
}
