// Series colours for the usage charts: SVG attributes cannot read the stylesheet's custom
// properties everywhere, so the palette is spelled out; mid tones read on light and dark.
export const CHART_COLORS = {
  cost: '#6366f1',
  saved: '#16a34a',
  p50: '#0ea5e9',
  p95: '#f59e0b',
  errors: '#dc2626',
  grid: 'rgb(128 128 128 / 25%)',
  axis: '#8a94a6',
} as const

export const SERIES_PALETTE = [
  '#6366f1',
  '#0ea5e9',
  '#16a34a',
  '#f59e0b',
  '#ec4899',
  '#8b5cf6',
  '#94a3b8',
] as const

export const seriesColor = (index: number): string =>
  SERIES_PALETTE[index % SERIES_PALETTE.length] ?? CHART_COLORS.axis
