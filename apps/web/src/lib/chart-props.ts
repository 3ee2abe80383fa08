// Props every usage chart shares: the time axis (bucket starts as epoch ms), a value axis with
// the chart's unit, and a tooltip headed by the bucket in the console's colours.
import type { ReactNode } from 'react'
import { CHART_COLORS } from './chart-colors'
import { formatBucket, formatBucketLong } from './format-time'
import type { Bucket } from './periods'

export const timeAxisProps = (bucket: Bucket) => ({
  dataKey: 'start',
  tickFormatter: (start: number) => formatBucket(start, bucket),
  minTickGap: 24,
  stroke: CHART_COLORS.axis,
  fontSize: 12,
})

export const valueAxisProps = (format: (value: number) => string) => ({
  tickFormatter: (value: number) => format(value),
  // Room for sub-cent amounts ($0.00000850) as well as milliseconds.
  width: 92,
  stroke: CHART_COLORS.axis,
  fontSize: 12,
})

export const tooltipProps = (bucket: Bucket, format: (value: number) => string) => ({
  formatter: (value: unknown) => format(Number(value)),
  labelFormatter: (label: ReactNode) => formatBucketLong(Number(label), bucket),
  contentStyle: {
    background: 'var(--surface)',
    border: '1px solid var(--border)',
    borderRadius: 8,
    fontSize: '0.85rem',
  },
})
