// Budget periods are calendar UTC days or months; a period is keyed by its start in epoch ms.
import type { BudgetPeriod } from '@tokenflow/api'

export const periodStart = (period: BudgetPeriod, now: number): number => {
  const date = new Date(now)
  return period === 'day'
    ? Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate())
    : Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1)
}
