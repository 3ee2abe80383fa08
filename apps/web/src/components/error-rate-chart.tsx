// The share of requests that ended with an error, per bucket.
import { CartesianGrid, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts'
import { CHART_COLORS } from '../lib/chart-colors'
import { timeAxisProps, tooltipProps, valueAxisProps } from '../lib/chart-props'
import { formatPercent } from '../lib/format'
import type { Bucket } from '../lib/periods'
import type { TimelineRow } from '../lib/usage-series'
import { ChartFrame } from './chart-frame'

const percent = (value: number) => formatPercent(value, value > 0 && value < 0.1 ? 1 : 0)

export function ErrorRateChart({ rows, bucket }: { rows: TimelineRow[]; bucket: Bucket }) {
  return (
    <ChartFrame title="Error rate">
      <LineChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid stroke={CHART_COLORS.grid} vertical={false} />
        <XAxis {...timeAxisProps(bucket)} />
        <YAxis {...valueAxisProps(percent)} domain={[0, 'auto']} />
        <Tooltip {...tooltipProps(bucket, percent)} />
        <Line
          type="monotone"
          dataKey="errorRate"
          name="Errors"
          stroke={CHART_COLORS.errors}
          dot={{ r: 2 }}
          connectNulls
        />
      </LineChart>
    </ChartFrame>
  )
}
