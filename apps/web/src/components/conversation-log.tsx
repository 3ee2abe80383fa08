// The conversation so far, newest at the bottom, following the stream as it grows.
import { useEffect, useRef } from 'react'
import type { Turn } from '../hooks/use-conversation'
import { TurnView } from './turn-view'

export function ConversationLog({ turns, empty }: { turns: Turn[]; empty: string }) {
  const end = useRef<HTMLDivElement>(null)
  const last = turns.at(-1)
  // Follow new text, but only while the bottom is in view, so reading history is not disturbed.
  useEffect(() => {
    const el = end.current
    if (!el || typeof el.scrollIntoView !== 'function') return
    const rect = el.getBoundingClientRect()
    if (rect.top < window.innerHeight + 200) el.scrollIntoView({ block: 'end' })
  }, [turns.length, last?.stream.text])

  if (turns.length === 0) return <p className="empty muted">{empty}</p>
  return (
    <>
      <ol className="conversation" aria-label="Conversation">
        {turns.map((turn) => (
          <TurnView key={turn.id} turn={turn} />
        ))}
      </ol>
      <div ref={end} />
    </>
  )
}
