// Time to first token per bucket: the median and the 95th percentile.
import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts'
import { CHART_COLORS } from '../lib/chart-colors'
import { timeAxisProps, tooltipProps, valueAxisProps } from '../lib/chart-props'
import { formatMs } from '../lib/format'
import type { Bucket } from '../lib/periods'
import type { TimelineRow } from '../lib/usage-series'
import { ChartFrame } from './chart-frame'

export function LatencyChart({ rows, bucket }: { rows: TimelineRow[]; bucket: Bucket }) {
  return (
    <ChartFrame title="Time to first token">
      <LineChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid stroke={CHART_COLORS.grid} vertical={false} />
        <XAxis {...timeAxisProps(bucket)} />
        <YAxis {...valueAxisProps(formatMs)} />
        <Tooltip {...tooltipProps(bucket, formatMs)} />
        <Legend itemSorter="dataKey" />
        {/* Quiet buckets have no latency; the line joins the buckets on either side, and a dot marks each one, so a single bucket still shows. */}
        <Line
          type="monotone"
          dataKey="ttftP50Ms"
          name="p50"
          stroke={CHART_COLORS.p50}
          dot={{ r: 2 }}
          connectNulls
        />
        <Line
          type="monotone"
          dataKey="ttftP95Ms"
          name="p95"
          stroke={CHART_COLORS.p95}
          dot={{ r: 2 }}
          connectNulls
        />
      </LineChart>
    </ChartFrame>
  )
}
