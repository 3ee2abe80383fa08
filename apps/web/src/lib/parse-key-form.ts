// The key form's fields (strings, as typed) to a `keys.create` input, or the first thing wrong
// with them in words. Empty optional fields mean "no limit".
import type { BudgetPeriod, KeyCreateInput } from '@tokenflow/api'

export type KeyFormFields = {
  name: string
  budgetUsd: string
  budgetPeriod: BudgetPeriod
  requestsPerMinute: string
  tokensPerMinute: string
  /** Empty: every model. */
  allowedModels: string[]
}

export const EMPTY_KEY_FORM: KeyFormFields = {
  name: '',
  budgetUsd: '',
  budgetPeriod: 'month',
  requestsPerMinute: '',
  tokensPerMinute: '',
  allowedModels: [],
}

export type KeyFormResult = { ok: true; input: KeyCreateInput } | { ok: false; error: string }

const positive = (text: string, integer: boolean): number | null => {
  const value = Number(text)
  if (!Number.isFinite(value) || value <= 0) return null
  return integer && !Number.isInteger(value) ? null : value
}

export const parseKeyForm = (fields: KeyFormFields): KeyFormResult => {
  const name = fields.name.trim()
  if (!name) return { ok: false, error: 'Give the key a name.' }
  const input: KeyCreateInput = { name }
  if (fields.budgetUsd.trim()) {
    const budget = positive(fields.budgetUsd.trim(), false)
    if (budget === null) return { ok: false, error: 'The budget must be a positive amount of USD.' }
    input.budgetUsd = budget
    input.budgetPeriod = fields.budgetPeriod
  }
  if (fields.requestsPerMinute.trim()) {
    const rpm = positive(fields.requestsPerMinute.trim(), true)
    if (rpm === null)
      return { ok: false, error: 'Requests per minute must be a whole number above 0.' }
    input.requestsPerMinute = rpm
  }
  if (fields.tokensPerMinute.trim()) {
    const tpm = positive(fields.tokensPerMinute.trim(), true)
    if (tpm === null)
      return { ok: false, error: 'Tokens per minute must be a whole number above 0.' }
    input.tokensPerMinute = tpm
  }
  if (fields.allowedModels.length > 0) input.allowedModels = fields.allowedModels
  return { ok: true, input }
}
