// Editable category chips: remove one with its ×, add one by typing and pressing Enter.
import { type KeyboardEvent, useId, useState } from 'react'

type Props = {
  value: string[]
  onChange: (categories: string[]) => void
  onReset: () => void
}

export function CategoryChips({ value, onChange, onReset }: Props) {
  const inputId = useId()
  const [draft, setDraft] = useState('')
  const [error, setError] = useState<string | null>(null)

  const add = () => {
    const name = draft.trim()
    if (!name) return
    if (value.includes(name)) {
      setError(`"${name}" is already a category.`)
      return
    }
    setError(null)
    onChange([...value, name])
    setDraft('')
  }

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter' && !event.ctrlKey && !event.metaKey) {
      // Enter adds a chip here; Ctrl+Enter still submits the form.
      event.preventDefault()
      add()
    }
  }

  return (
    <fieldset className="field chips-field">
      <legend>Categories</legend>
      <ul className="chips" aria-label="Categories">
        {value.map((category) => (
          <li key={category} className="chip">
            <span>{category}</span>
            <button
              type="button"
              className="chip-remove"
              aria-label={`Remove category ${category}`}
              onClick={() => onChange(value.filter((c) => c !== category))}
            >
              ×
            </button>
          </li>
        ))}
        {value.length === 0 && <li className="muted small">No categories: add at least one.</li>}
      </ul>
      <div className="chip-add">
        <label htmlFor={inputId} className="visually-hidden">
          New category
        </label>
        <input
          id={inputId}
          value={draft}
          placeholder="Add a category…"
          onChange={(event) => setDraft(event.target.value)}
          onKeyDown={onKeyDown}
        />
        <button type="button" className="button button-small" onClick={add}>
          Add category
        </button>
        <button type="button" className="button button-small button-ghost" onClick={onReset}>
          Reset to catalog
        </button>
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </fieldset>
  )
}
