// Spend and what compression saved, per bucket of the period.
import { Area, AreaChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts'
import { CHART_COLORS } from '../lib/chart-colors'
import { timeAxisProps, tooltipProps, valueAxisProps } from '../lib/chart-props'
import { formatUsd } from '../lib/format'
import type { Bucket } from '../lib/periods'
import type { TimelineRow } from '../lib/usage-series'
import { ChartFrame } from './chart-frame'

export function SpendChart({ rows, bucket }: { rows: TimelineRow[]; bucket: Bucket }) {
  return (
    <ChartFrame title="Spend and savings" description={`USD per ${bucket}`} wide>
      <AreaChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid stroke={CHART_COLORS.grid} vertical={false} />
        <XAxis {...timeAxisProps(bucket)} />
        <YAxis {...valueAxisProps(formatUsd)} />
        <Tooltip {...tooltipProps(bucket, formatUsd)} />
        <Legend itemSorter="dataKey" />
        <Area
          type="monotone"
          dataKey="costUsd"
          name="Spent"
          stroke={CHART_COLORS.cost}
          fill={CHART_COLORS.cost}
          fillOpacity={0.2}
        />
        <Area
          type="monotone"
          dataKey="savedUsd"
          name="Saved"
          stroke={CHART_COLORS.saved}
          fill={CHART_COLORS.saved}
          fillOpacity={0.2}
        />
      </AreaChart>
    </ChartFrame>
  )
}
