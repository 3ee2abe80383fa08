// The current view from the URL hash (#/compress, #/chat, …), so views are linkable and the
// back button works without a router dependency.
import { useEffect, useState } from 'react'
import { isViewId, type ViewId } from '../lib/views'

const read = (fallback: ViewId): ViewId => {
  const id = window.location.hash.replace(/^#\/?/, '')
  return isViewId(id) ? id : fallback
}

export function useHashRoute(fallback: ViewId): ViewId {
  const [view, setView] = useState(() => read(fallback))
  useEffect(() => {
    const onChange = () => setView(read(fallback))
    window.addEventListener('hashchange', onChange)
    return () => window.removeEventListener('hashchange', onChange)
  }, [fallback])
  return view
}
