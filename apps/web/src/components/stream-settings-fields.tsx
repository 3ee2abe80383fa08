// The sampling and compression controls shared by Chat and Generate.
import { useId } from 'react'
import type { CompressionMode, StreamSettings } from '../lib/stream-settings'

type Props = { value: StreamSettings; onChange: (next: StreamSettings) => void }

export function StreamSettingsFields({ value, onChange }: Props) {
  const id = useId()
  const set = (patch: Partial<StreamSettings>) => onChange({ ...value, ...patch })
  return (
    <>
      <div className="field">
        <label htmlFor={`${id}-compression`}>Compression</label>
        <select
          id={`${id}-compression`}
          value={value.compression}
          onChange={(event) => set({ compression: event.target.value as CompressionMode })}
        >
          <option value="auto">Auto (catalog policy)</option>
          <option value="off">Off</option>
          <option value="ratio">Fixed ratio</option>
        </select>
      </div>
      {value.compression === 'ratio' && (
        <div className="field field-narrow">
          <label htmlFor={`${id}-ratio`}>Compression ratio</label>
          <input
            id={`${id}-ratio`}
            type="number"
            inputMode="decimal"
            min={0.05}
            max={1}
            step={0.05}
            value={value.compressionRatio}
            onChange={(event) => set({ compressionRatio: event.target.value })}
          />
        </div>
      )}
      <div className="field field-narrow">
        <label htmlFor={`${id}-temperature`}>Temperature</label>
        <input
          id={`${id}-temperature`}
          type="number"
          inputMode="decimal"
          min={0}
          max={2}
          step={0.1}
          value={value.temperature}
          onChange={(event) => set({ temperature: event.target.value })}
        />
      </div>
      <div className="field field-narrow">
        <label htmlFor={`${id}-top-p`}>Top-p</label>
        <input
          id={`${id}-top-p`}
          type="number"
          inputMode="decimal"
          min={0.05}
          max={1}
          step={0.05}
          value={value.topP}
          onChange={(event) => set({ topP: event.target.value })}
        />
      </div>
      <div className="field field-narrow">
        <label htmlFor={`${id}-max-tokens`}>Max tokens</label>
        <input
          id={`${id}-max-tokens`}
          type="number"
          inputMode="numeric"
          min={1}
          max={32768}
          step={1}
          value={value.maxTokens}
          onChange={(event) => set({ maxTokens: event.target.value })}
        />
      </div>
    </>
  )
}
