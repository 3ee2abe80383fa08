// The routing mix: requests per bucket, stacked by category or by model, with each series'
// total for the period in the legend.
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts'
import { CHART_COLORS, seriesColor } from '../lib/chart-colors'
import { timeAxisProps, tooltipProps, valueAxisProps } from '../lib/chart-props'
import { formatCount } from '../lib/format'
import type { Bucket } from '../lib/periods'
import type { Mix } from '../lib/usage-series'
import { ChartFrame } from './chart-frame'

type Props = { title: string; mix: Mix; bucket: Bucket }

export function MixChart({ title, mix, bucket }: Props) {
  return (
    <ChartFrame title={title} description={`Requests per ${bucket}`}>
      <BarChart data={mix.rows} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid stroke={CHART_COLORS.grid} vertical={false} />
        <XAxis {...timeAxisProps(bucket)} />
        <YAxis {...valueAxisProps(formatCount)} allowDecimals={false} />
        <Tooltip {...tooltipProps(bucket, formatCount)} />
        <Legend itemSorter="dataKey" />
        {mix.series.map((series, index) => (
          <Bar
            key={series.key}
            dataKey={series.key}
            name={`${series.label} (${formatCount(series.total)})`}
            stackId="mix"
            fill={seriesColor(index)}
          />
        ))}
      </BarChart>
    </ChartFrame>
  )
}
