// Creates a virtual key: a name, an optional USD budget per day or month, rate limits, and the
// models it may use (none ticked: every model). Hands the created key, secret included, up once.
import type { KeyCreated } from '@tokenflow/api'
import { type FormEvent, useId, useState } from 'react'
import { describeAdminError } from '../lib/describe-admin-error'
import { EMPTY_KEY_FORM, type KeyFormFields, parseKeyForm } from '../lib/parse-key-form'
import { trpc } from '../trpc'
import { ErrorNotice } from './error-notice'

export function KeyCreateForm({ onCreated }: { onCreated: (created: KeyCreated) => void }) {
  const ids = {
    name: useId(),
    budget: useId(),
    period: useId(),
    rpm: useId(),
    tpm: useId(),
    modelsHint: useId(),
  }
  const [fields, setFields] = useState<KeyFormFields>(EMPTY_KEY_FORM)
  const [fieldError, setFieldError] = useState<string | null>(null)
  const utils = trpc.useUtils()
  const models = trpc.models.list.useQuery(undefined, { staleTime: 30_000 })
  const create = trpc.keys.create.useMutation({
    onSuccess: (created) => {
      onCreated(created)
      setFields(EMPTY_KEY_FORM)
      return utils.keys.list.invalidate()
    },
  })
  const set = <K extends keyof KeyFormFields>(key: K, value: KeyFormFields[K]) =>
    setFields((current) => ({ ...current, [key]: value }))
  const toggleModel = (id: string, on: boolean) =>
    setFields((current) => ({
      ...current,
      allowedModels: on
        ? [...current.allowedModels, id]
        : current.allowedModels.filter((model) => model !== id),
    }))

  const onSubmit = (event: FormEvent) => {
    event.preventDefault()
    const parsed = parseKeyForm(fields)
    if (!parsed.ok) {
      setFieldError(parsed.error)
      return
    }
    setFieldError(null)
    create.mutate(parsed.input)
  }

  return (
    // noValidate: the form's own messages say what is wrong, the same way in every browser.
    <form className="panel form" onSubmit={onSubmit} aria-label="Create a key" noValidate>
      <h2>New key</h2>
      <div className="form-row">
        <div className="field">
          <label htmlFor={ids.name}>Name</label>
          <input
            id={ids.name}
            type="text"
            value={fields.name}
            maxLength={100}
            placeholder="e.g. staging backend"
            onChange={(event) => set('name', event.target.value)}
          />
        </div>
        <div className="field field-narrow">
          <label htmlFor={ids.budget}>Budget (USD)</label>
          <input
            id={ids.budget}
            type="number"
            min={0}
            step="any"
            inputMode="decimal"
            value={fields.budgetUsd}
            placeholder="none"
            onChange={(event) => set('budgetUsd', event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.period}>Budget period</label>
          <select
            id={ids.period}
            value={fields.budgetPeriod}
            disabled={!fields.budgetUsd.trim()}
            onChange={(event) =>
              set('budgetPeriod', event.target.value === 'day' ? 'day' : 'month')
            }
          >
            <option value="day">per day</option>
            <option value="month">per month</option>
          </select>
        </div>
        <div className="field field-narrow">
          <label htmlFor={ids.rpm}>Requests / min</label>
          <input
            id={ids.rpm}
            type="number"
            min={1}
            step={1}
            value={fields.requestsPerMinute}
            placeholder="no limit"
            onChange={(event) => set('requestsPerMinute', event.target.value)}
          />
        </div>
        <div className="field field-narrow">
          <label htmlFor={ids.tpm}>Tokens / min</label>
          <input
            id={ids.tpm}
            type="number"
            min={1}
            step={1}
            value={fields.tokensPerMinute}
            placeholder="no limit"
            onChange={(event) => set('tokensPerMinute', event.target.value)}
          />
        </div>
      </div>
      <fieldset className="model-picks" aria-describedby={ids.modelsHint}>
        <legend>Allowed models</legend>
        <p id={ids.modelsHint} className="muted small">
          Leave all unticked to allow every model.
        </p>
        {models.isPending && <p className="muted small">Loading models…</p>}
        <div className="model-pick-list">
          {models.data?.models.map((model) => (
            <label key={model.id} className="model-pick">
              <input
                type="checkbox"
                checked={fields.allowedModels.includes(model.id)}
                onChange={(event) => toggleModel(model.id, event.target.checked)}
              />
              {model.displayName}
            </label>
          ))}
        </div>
      </fieldset>
      {fieldError && (
        <p className="field-error" role="alert">
          {fieldError}
        </p>
      )}
      {create.isError && <ErrorNotice problem={describeAdminError(create.error)} />}
      <div className="actions">
        <button type="submit" className="button button-primary" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create key'}
        </button>
      </div>
    </form>
  )
}
