// Classify: which routing category a prompt falls into, every category's score, whether the
// router trusts it (calibrated confidence, abstention) and the model routing would choose.
import { type FormEvent, useId, useState } from 'react'
import { useSubmitShortcut } from '../hooks/use-submit-shortcut'
import { DEFAULT_CATEGORIES } from '../lib/default-categories'
import { describeError } from '../lib/describe-error'
import { formatMs } from '../lib/format'
import { trpc } from '../trpc'
import { CategoryChips } from './category-chips'
import { CategoryTrust } from './category-trust'
import { ErrorNotice } from './error-notice'
import { ScoreBars } from './score-bars'

export function ClassifyView() {
  const ids = { prompt: useId(), multi: useId() }
  const [prompt, setPrompt] = useState('')
  const [categories, setCategories] = useState<string[]>([...DEFAULT_CATEGORIES])
  const [multiLabel, setMultiLabel] = useState(false)
  const [fieldError, setFieldError] = useState<string | null>(null)
  const classify = trpc.classification.classify.useMutation()
  const onKeyDown = useSubmitShortcut()

  const onSubmit = (event: FormEvent) => {
    event.preventDefault()
    if (!prompt.trim()) return setFieldError('Write a prompt to classify first.')
    if (categories.length === 0) return setFieldError('Add at least one category.')
    setFieldError(null)
    classify.mutate({ prompt, categories, multiLabel })
  }

  const result = classify.data
  return (
    <section className="view" aria-labelledby="classify-title">
      <header className="view-header">
        <h1 id="classify-title">Classify</h1>
        <p className="muted">
          A trained, calibrated classifier (zero-shot for categories without examples) decides which
          kind of model a prompt needs.
        </p>
      </header>
      <form className="panel form" onSubmit={onSubmit} aria-label="Classify a prompt">
        <div className="field">
          <label htmlFor={ids.prompt}>Prompt to classify</label>
          <textarea
            id={ids.prompt}
            rows={5}
            value={prompt}
            placeholder="e.g. Write a function that parses ISO dates… (Ctrl+Enter to classify)"
            onChange={(event) => setPrompt(event.target.value)}
            onKeyDown={onKeyDown}
          />
        </div>
        <CategoryChips
          value={categories}
          onChange={setCategories}
          onReset={() => setCategories([...DEFAULT_CATEGORIES])}
        />
        <div className="switch">
          <input
            id={ids.multi}
            type="checkbox"
            role="switch"
            aria-checked={multiLabel}
            checked={multiLabel}
            onChange={(event) => setMultiLabel(event.target.checked)}
          />
          <label htmlFor={ids.multi}>Multi-label (score each category on its own)</label>
        </div>
        {fieldError && (
          <p className="field-error" role="alert">
            {fieldError}
          </p>
        )}
        <div className="actions">
          <button type="submit" className="button button-primary" disabled={classify.isPending}>
            {classify.isPending ? 'Classifying…' : 'Classify'}
          </button>
        </div>
      </form>

      {classify.isError && <ErrorNotice problem={describeError(classify.error)} />}

      {result && (
        <section className="panel results" aria-labelledby="scores-title">
          <div className="panel-head">
            <h2 id="scores-title">Scores</h2>
            <span className="muted small">
              {result.method} · {result.model} · {formatMs(result.latencyMs)}
            </span>
          </div>
          <p className="headline">
            Top category <strong className="tag tag-accent">{result.topCategory}</strong>{' '}
            <CategoryTrust {...result} />
          </p>
          <ScoreBars scores={result.scores} />
          <p className="route-to">
            {result.recommendedModel ? (
              <>
                Routing would choose <strong>{result.recommendedModel.displayName}</strong>{' '}
                <span className="muted">({result.recommendedModel.provider})</span>
              </>
            ) : (
              <span className="muted">No available model is ranked for this category.</span>
            )}
          </p>
        </section>
      )}
    </section>
  )
}
