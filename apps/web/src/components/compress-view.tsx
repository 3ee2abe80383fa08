// Compress: a text in, the compressed text out beside the original with removed words struck.
import type { CompressionMethod, ModelInfo } from '@tokenflow/api'
import { type FormEvent, useId, useState } from 'react'
import { describeError } from '../lib/describe-error'
import { trpc } from '../trpc'
import { CompressStats } from './compress-stats'
import { CompressionDiff } from './compression-diff'
import { CopyButton } from './copy-button'
import { ErrorNotice } from './error-notice'
import { ModelSelect, useModelInfo } from './model-select'
import { TextDropArea } from './text-drop-area'

// The encoder ships with the ML service and runs offline; the LLMLingua ones need their models.
const METHODS: { id: CompressionMethod; label: string }[] = [
  { id: 'encoder', label: 'Encoder (fast, offline default)' },
  { id: 'llmlingua', label: 'LLMLingua (perplexity based)' },
  { id: 'llmlingua2', label: 'LLMLingua-2 (token classifier)' },
]

// Savings only mean something on a paid model.
const firstPriced = (models: ModelInfo[]) =>
  models.find((m) => m.pricing.inputPerMillion > 0) ?? models[0]

export function CompressView() {
  const ids = { ratio: useId(), method: useId(), question: useId(), questionHint: useId() }
  const [text, setText] = useState('')
  const [question, setQuestion] = useState('')
  const [ratio, setRatio] = useState(0.5)
  const [method, setMethod] = useState<CompressionMethod>('encoder')
  const [modelId, setModelId] = useState('')
  const [fieldError, setFieldError] = useState<string | null>(null)
  const compress = trpc.compression.compress.useMutation()
  const model = useModelInfo(modelId)

  const onSubmit = (event: FormEvent) => {
    event.preventDefault()
    if (!text.trim()) {
      setFieldError('Paste or drop a text to compress first.')
      return
    }
    setFieldError(null)
    compress.mutate({ text, ratio, method, question: question.trim() || undefined })
  }

  return (
    <section className="view" aria-labelledby="compress-title">
      <header className="view-header">
        <h1 id="compress-title">Compress</h1>
        <p className="muted">
          Shrink a prompt before it reaches a model: fewer tokens, lower cost.
        </p>
      </header>
      <form className="panel form" onSubmit={onSubmit} aria-label="Compress a text">
        <TextDropArea
          label="Text to compress"
          value={text}
          onChange={setText}
          placeholder="Paste a long prompt or drop a text file here… (Ctrl+Enter to compress)"
        />
        {fieldError && (
          <p className="field-error" role="alert">
            {fieldError}
          </p>
        )}
        <div className="field">
          <label htmlFor={ids.question}>Question</label>
          <input
            id={ids.question}
            type="text"
            value={question}
            placeholder="e.g. Which table should we migrate first?"
            aria-describedby={ids.questionHint}
            onChange={(event) => setQuestion(event.target.value)}
          />
          <span id={ids.questionHint} className="muted small">
            Optional: what the compressed text must still answer; the words that answer it are kept
            first.
          </span>
        </div>
        <div className="form-row">
          <div className="field">
            <label htmlFor={ids.ratio}>Target ratio</label>
            <div className="range">
              <input
                id={ids.ratio}
                type="range"
                min={0.1}
                max={0.9}
                step={0.05}
                value={ratio}
                onChange={(event) => setRatio(Number(event.target.value))}
                aria-valuetext={`keep ${Math.round(ratio * 100)}%`}
              />
              <output htmlFor={ids.ratio}>keep {Math.round(ratio * 100)}%</output>
            </div>
          </div>
          <div className="field">
            <label htmlFor={ids.method}>Method</label>
            <select
              id={ids.method}
              value={method}
              onChange={(event) => setMethod(event.target.value as CompressionMethod)}
            >
              {METHODS.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.label}
                </option>
              ))}
            </select>
          </div>
          <ModelSelect
            label="Price savings on"
            value={modelId}
            onChange={setModelId}
            pickDefault={firstPriced}
          />
        </div>
        <div className="actions">
          <button type="submit" className="button button-primary" disabled={compress.isPending}>
            {compress.isPending ? 'Compressing…' : 'Compress'}
          </button>
        </div>
      </form>

      {compress.isError && <ErrorNotice problem={describeError(compress.error)} />}

      {compress.data && (
        <div className="results" aria-busy={compress.isPending}>
          <CompressStats result={compress.data} model={model} />
          <div className="columns">
            <section className="panel" aria-labelledby="original-title">
              <div className="panel-head">
                <h2 id="original-title">Original</h2>
                <span className="muted small">removed words struck through</span>
              </div>
              <CompressionDiff segments={compress.data.segments} />
            </section>
            <section className="panel" aria-labelledby="compressed-title">
              <div className="panel-head">
                <h2 id="compressed-title">Compressed</h2>
                <CopyButton text={compress.data.compressedText} label="Copy compressed text" />
              </div>
              <p className="compressed-text">{compress.data.compressedText}</p>
            </section>
          </div>
        </div>
      )}
    </section>
  )
}
