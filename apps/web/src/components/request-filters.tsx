// The Requests view's filters: model (from the catalog), category, status and endpoint; each
// applies as soon as it is picked.
import type { Endpoint, RequestStatus } from '@tokenflow/api'
import { useId } from 'react'
import { DEFAULT_CATEGORIES } from '../lib/default-categories'
import type { RequestFilterFields } from '../lib/request-filter-fields'
import { trpc } from '../trpc'

type Option<T extends string> = { value: T; label: string }

type FieldProps<T extends string> = {
  label: string
  value: T | ''
  options: readonly Option<T>[]
  onChange: (value: T | '') => void
}

function FilterSelect<T extends string>({ label, value, options, onChange }: FieldProps<T>) {
  const id = useId()
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={value}
        onChange={(event) =>
          onChange(options.find((option) => option.value === event.target.value)?.value ?? '')
        }
      >
        <option value="">Any</option>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  )
}

const toOptions = <T extends string>(labels: Record<T, string>): Option<T>[] =>
  (Object.keys(labels) as T[]).map((value) => ({ value, label: labels[value] }))

const STATUS_OPTIONS = toOptions<RequestStatus>({ ok: 'OK', error: 'Error', aborted: 'Aborted' })
const ENDPOINT_OPTIONS = toOptions<Endpoint>({
  trpc: 'tRPC',
  rest: 'REST',
  openai: 'OpenAI-compatible',
})
const CATEGORY_OPTIONS = DEFAULT_CATEGORIES.map((id) => ({ value: id, label: id }))

type Props = { value: RequestFilterFields; onChange: (value: RequestFilterFields) => void }

export function RequestFilters({ value, onChange }: Props) {
  const models = trpc.models.list.useQuery(undefined, { staleTime: 30_000 })
  const modelOptions = (models.data?.models ?? []).map((model) => ({
    value: model.id,
    label: model.displayName,
  }))
  return (
    <fieldset className="form-row filters">
      <legend className="visually-hidden">Filter requests</legend>
      <FilterSelect
        label="Model"
        value={value.model}
        options={modelOptions}
        onChange={(model) => onChange({ ...value, model })}
      />
      <FilterSelect
        label="Category"
        value={value.category}
        options={CATEGORY_OPTIONS}
        onChange={(category) => onChange({ ...value, category })}
      />
      <FilterSelect
        label="Status"
        value={value.status}
        options={STATUS_OPTIONS}
        onChange={(status) => onChange({ ...value, status })}
      />
      <FilterSelect
        label="Endpoint"
        value={value.endpoint}
        options={ENDPOINT_OPTIONS}
        onChange={(endpoint) => onChange({ ...value, endpoint })}
      />
    </fieldset>
  )
}
