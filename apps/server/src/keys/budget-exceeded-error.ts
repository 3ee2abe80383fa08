// A virtual key's budget cannot cover a request's estimate: refused before its stream starts,
// TOO_MANY_REQUESTS for tRPC and REST (429); the OpenAI-compatible API answers it as OpenAI
// answers an exhausted quota (429 `insufficient_quota`).
import type { BudgetPeriod } from '@tokenflow/api'
import { TRPCError } from '@trpc/server'

export type BudgetRefusal = {
  budgetUsd: number
  budgetPeriod: BudgetPeriod | null
  spentUsd: number
  reservedUsd: number
  /** What this request was estimated to cost at most. */
  estimateUsd: number
}

/** Dollars to the nano-dollar costs are rounded to, without trailing zeros: $5, $0.0000908. */
const dollars = (usd: number) => `$${usd.toFixed(9).replace(/\.?0+$/, '')}`

export class BudgetExceededError extends TRPCError {
  constructor(readonly refusal: BudgetRefusal) {
    const per = refusal.budgetPeriod ? ` per ${refusal.budgetPeriod}` : ''
    super({
      code: 'TOO_MANY_REQUESTS',
      message:
        `budget of ${dollars(refusal.budgetUsd)}${per} exhausted: ${dollars(refusal.spentUsd)} spent, ` +
        `${dollars(refusal.reservedUsd)} reserved, and this request may cost up to ${dollars(refusal.estimateUsd)}`,
    })
  }
}
