// Category scores as horizontal bars, highest first, the top one highlighted.
import type { CategoryScore } from '@tokenflow/api'
import { formatPercent } from '../lib/format'

type Props = { scores: CategoryScore[]; label?: string; compact?: boolean }

export function ScoreBars({ scores, label = 'Category scores', compact = false }: Props) {
  const sorted = [...scores].sort((a, b) => b.score - a.score)
  const top = sorted[0]?.category
  return (
    <ul className={compact ? 'bars bars-compact' : 'bars'} aria-label={label}>
      {sorted.map(({ category, score }) => (
        <li key={category} className={category === top ? 'bar-row bar-top' : 'bar-row'}>
          <span className="bar-label">{category}</span>
          <span className="bar-track" aria-hidden="true">
            <span className="bar-fill" style={{ width: `${Math.max(score * 100, 0.5)}%` }} />
          </span>
          <span className="bar-value">{formatPercent(score, 1)}</span>
        </li>
      ))}
    </ul>
  )
}
