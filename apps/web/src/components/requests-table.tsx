// The request log as a table (TanStack Table, rows as the server ordered them: newest first);
// each row's time opens its details.
import { createColumnHelper, tableFeatures, useTable } from '@tanstack/react-table'
import type { RequestRecord } from '@tokenflow/api'
import { useMemo } from 'react'
import { formatCount, formatMs, formatUsd } from '../lib/format'
import { formatDateTime } from '../lib/format-time'
import { StatusPill } from './status-pill'

const features = tableFeatures({})
const helper = createColumnHelper<typeof features, RequestRecord>()

const getRowId = (row: RequestRecord) => row.id

const ms = (value: number | null) => (value === null ? '—' : formatMs(value))

const buildColumns = (onOpen: (id: string) => void) =>
  helper.columns([
    helper.accessor('time', {
      header: 'Time',
      cell: (info) => (
        <button
          type="button"
          className="link-button"
          onClick={() => onOpen(info.row.original.id)}
          aria-label={`Details of the request at ${formatDateTime(info.getValue())}`}
        >
          {formatDateTime(info.getValue())}
        </button>
      ),
    }),
    helper.accessor('endpoint', { header: 'Endpoint' }),
    helper.accessor((row) => row.model ?? row.requestedModel ?? '—', {
      id: 'model',
      header: 'Model',
    }),
    helper.accessor((row) => row.category ?? '—', { id: 'category', header: 'Category' }),
    helper.accessor('status', {
      header: 'Status',
      cell: (info) => <StatusPill status={info.getValue()} />,
    }),
    helper.accessor((row) => row.promptTokens + row.completionTokens, {
      id: 'tokens',
      header: 'Tokens',
      cell: (info) => (
        <span
          title={`${info.row.original.promptTokens} in, ${info.row.original.completionTokens} out`}
        >
          {formatCount(info.getValue())}
        </span>
      ),
    }),
    helper.accessor('costUsd', { header: 'Cost', cell: (info) => formatUsd(info.getValue()) }),
    helper.accessor('ttftMs', { header: 'TTFT', cell: (info) => ms(info.getValue()) }),
    helper.accessor('totalMs', { header: 'Total', cell: (info) => formatMs(info.getValue()) }),
  ])

type Props = { rows: RequestRecord[]; onOpen: (id: string) => void }

export function RequestsTable({ rows, onOpen }: Props) {
  const columns = useMemo(() => buildColumns(onOpen), [onOpen])
  const table = useTable({ features, columns, data: rows, getRowId })
  return (
    <div className="table-wrap">
      <table className="data-table" aria-label="Requests">
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => (
                <th key={header.id} scope="col" data-column={header.column.id}>
                  {header.isPlaceholder ? null : <table.FlexRender header={header} />}
                </th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.map((row) => (
            <tr key={row.id} data-status={row.original.status}>
              {row.getAllCells().map((cell) => (
                <td key={cell.id} data-column={cell.column.id}>
                  <table.FlexRender cell={cell} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
