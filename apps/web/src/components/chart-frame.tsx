// A titled panel holding one usage chart at the panel's width.
import type { ReactNode } from 'react'
import { ResponsiveContainer } from 'recharts'

type Props = {
  title: string
  description?: string
  height?: number
  /** Spans the whole row of the chart grid. */
  wide?: boolean
  children: ReactNode
}

// Rendered at this size until the container is measured; where there is no ResizeObserver (jsdom
// in the component tests) Recharts keeps it instead of measuring zero and drawing nothing.
const INITIAL_WIDTH = 560

export function ChartFrame({ title, description, height = 220, wide = false, children }: Props) {
  return (
    <figure className={wide ? 'panel chart chart-wide' : 'panel chart'} aria-label={title}>
      <figcaption className="chart-caption">
        <h2>{title}</h2>
        {description && <p className="muted small">{description}</p>}
      </figcaption>
      <ResponsiveContainer
        width="100%"
        height={height}
        initialDimension={{ width: INITIAL_WIDTH, height }}
      >
        {children}
      </ResponsiveContainer>
    </figure>
  )
}
