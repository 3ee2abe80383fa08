// A text area that also takes a dropped or chosen text file, for long prompts kept in files.
import { type DragEvent, useId, useState } from 'react'
import { useSubmitShortcut } from '../hooks/use-submit-shortcut'
import { readFileText } from '../lib/read-file-text'

type Props = {
  label: string
  value: string
  onChange: (text: string) => void
  placeholder?: string
  rows?: number
}

const MAX_FILE_BYTES = 1_000_000

export function TextDropArea({ label, value, onChange, placeholder, rows = 10 }: Props) {
  const id = useId()
  const [dragging, setDragging] = useState(false)
  const [fileError, setFileError] = useState<string | null>(null)
  const onKeyDown = useSubmitShortcut()

  const load = async (file: File | undefined) => {
    if (!file) return
    if (file.size > MAX_FILE_BYTES) {
      setFileError(`${file.name} is larger than 1 MB; paste an excerpt instead.`)
      return
    }
    try {
      onChange(await readFileText(file))
      setFileError(null)
    } catch {
      setFileError(`${file.name} could not be read as text.`)
    }
  }

  const onDrop = (event: DragEvent<HTMLTextAreaElement>) => {
    event.preventDefault()
    setDragging(false)
    void load(event.dataTransfer.files[0])
  }

  return (
    <div className="field">
      <div className="field-row">
        <label htmlFor={id}>{label}</label>
        <label className="file-pick">
          Open a text file
          <input
            type="file"
            accept=".txt,.md,.json,.csv,text/*"
            onChange={(event) => void load(event.target.files?.[0])}
          />
        </label>
      </div>
      <textarea
        id={id}
        className={dragging ? 'dropping' : undefined}
        value={value}
        rows={rows}
        placeholder={placeholder}
        onChange={(event) => onChange(event.target.value)}
        onKeyDown={onKeyDown}
        onDragOver={(event) => {
          event.preventDefault()
          setDragging(true)
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      />
      {fileError && (
        <p className="field-error" role="alert">
          {fileError}
        </p>
      )}
    </div>
  )
}
