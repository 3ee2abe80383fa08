// Number formatting shared by every view, so counts, money and times read the same everywhere.
const integer = new Intl.NumberFormat('en-US')

export const formatCount = (value: number): string => integer.format(Math.round(value))

export const formatPercent = (value: number, digits = 0): string =>
  `${(value * 100).toFixed(digits)}%`

export const formatMs = (ms: number): string =>
  ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`

/** Dollars with enough digits that per-request amounts (fractions of a cent) stay visible. */
export const formatUsd = (usd: number): string => {
  if (usd === 0) return '$0'
  if (usd >= 1) return `$${usd.toFixed(2)}`
  const digits = Math.min(8, Math.max(2, 1 - Math.floor(Math.log10(usd)) + 1))
  return `$${usd.toFixed(digits)}`
}

export const formatTokens = (count: number): string =>
  count >= 1000 ? `${Math.round(count / 1000)}K` : String(count)
