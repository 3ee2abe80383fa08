// The message box of the streaming views: prompt, settings, Send/Stop and New conversation.
import { type FormEvent, type ReactNode, useId, useState } from 'react'
import { useSubmitShortcut } from '../hooks/use-submit-shortcut'
import {
  defaultStreamSettings,
  parseStreamSettings,
  type SamplingInput,
  type StreamSettings,
} from '../lib/stream-settings'
import { StreamSettingsFields } from './stream-settings-fields'

type Props = {
  /** View-specific controls shown before the shared settings (strategy, model). */
  fields: ReactNode
  streaming: boolean
  canClear: boolean
  onSend: (prompt: string, sampling: SamplingInput) => void
  onStop: () => void
  onClear: () => void
}

export function Composer({ fields, streaming, canClear, onSend, onStop, onClear }: Props) {
  const promptId = useId()
  const [prompt, setPrompt] = useState('')
  const [settings, setSettings] = useState<StreamSettings>(defaultStreamSettings)
  const [error, setError] = useState<string | null>(null)
  const onKeyDown = useSubmitShortcut()

  const onSubmit = (event: FormEvent) => {
    event.preventDefault()
    if (streaming) return
    if (!prompt.trim()) return setError('Write a message first.')
    const parsed = parseStreamSettings(settings)
    if (!parsed.ok) return setError(parsed.error)
    setError(null)
    onSend(prompt.trim(), parsed.value)
    setPrompt('')
  }

  return (
    // Our own checks name the field; native validation would point into the closed settings.
    <form
      className="panel form composer"
      onSubmit={onSubmit}
      aria-label="Send a message"
      noValidate
    >
      <div className="field">
        <label htmlFor={promptId}>Message</label>
        <textarea
          id={promptId}
          rows={3}
          value={prompt}
          placeholder="Ask anything… (Ctrl+Enter to send)"
          onChange={(event) => setPrompt(event.target.value)}
          onKeyDown={onKeyDown}
        />
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <div className="composer-bar">
        {fields}
        <div className="actions">
          {/* Distinct keys: reusing one <button> would turn the Stop click into a submit. */}
          {streaming ? (
            <button key="stop" type="button" className="button button-danger" onClick={onStop}>
              Stop
            </button>
          ) : (
            <button key="send" type="submit" className="button button-primary">
              Send
            </button>
          )}
          <button
            type="button"
            className="button button-ghost"
            onClick={onClear}
            disabled={!canClear}
          >
            New conversation
          </button>
        </div>
      </div>
      <details className="settings">
        <summary className="settings-summary">Sampling and compression</summary>
        <div className="form-row">
          <StreamSettingsFields value={settings} onChange={setSettings} />
        </div>
      </details>
    </form>
  )
}
