// A labelled model picker over `models.list`; unavailable models stay visible but disabled, with
// the reason, so users learn what to configure.
import type { ModelInfo } from '@tokenflow/api'
import { useEffect, useId } from 'react'
import { trpc } from '../trpc'

type Props = {
  label: string
  value: string
  onChange: (id: string) => void
  /** Which model to select when nothing is selected yet. */
  pickDefault?: (models: ModelInfo[]) => ModelInfo | undefined
  /** Only models that can serve requests now may be chosen. */
  requireAvailable?: boolean
}

const firstAvailable = (models: ModelInfo[]) => models.find((m) => m.available) ?? models[0]

export function ModelSelect({
  label,
  value,
  onChange,
  pickDefault = firstAvailable,
  requireAvailable = false,
}: Props) {
  const id = useId()
  const models = trpc.models.list.useQuery(undefined, { staleTime: 30_000 })
  const list = models.data?.models ?? []

  useEffect(() => {
    if (value || list.length === 0) return
    const pick = pickDefault(list)
    if (pick) onChange(pick.id)
  }, [value, list, pickDefault, onChange])

  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        disabled={list.length === 0}
      >
        {list.length === 0 && (
          <option value="">{models.isError ? 'Models unavailable' : 'Loading models…'}</option>
        )}
        {list.map((model) => (
          <option
            key={model.id}
            value={model.id}
            disabled={requireAvailable && !model.available}
            title={model.unavailableReason ?? undefined}
          >
            {model.displayName}
            {model.available
              ? ''
              : ` (unavailable${model.unavailableReason ? `: ${model.unavailableReason}` : ''})`}
          </option>
        ))}
      </select>
    </div>
  )
}

/** The model info for an id, from the cached `models.list`. */
export function useModelInfo(id: string): ModelInfo | undefined {
  const models = trpc.models.list.useQuery(undefined, { staleTime: 30_000 })
  return models.data?.models.find((m) => m.id === id)
}
