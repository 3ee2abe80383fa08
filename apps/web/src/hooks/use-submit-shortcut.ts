// Ctrl+Enter (Cmd+Enter on a Mac) submits the form a text area belongs to.
import { type KeyboardEvent, useCallback } from 'react'

export function useSubmitShortcut() {
  return useCallback((event: KeyboardEvent<HTMLElement>) => {
    if (event.key !== 'Enter' || !(event.ctrlKey || event.metaKey)) return
    const form = event.currentTarget.closest('form')
    if (!form) return
    event.preventDefault()
    form.requestSubmit()
  }, [])
}
