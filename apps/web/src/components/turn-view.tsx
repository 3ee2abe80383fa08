// One exchange: the user's prompt and the answer as it streams, with how it ended.
import { lazy, Suspense } from 'react'
import type { Turn } from '../hooks/use-conversation'
import { EndStats } from './end-stats'
import { ErrorNotice } from './error-notice'

// The Markdown renderer and its highlighter are most of the bundle; load them with the first answer.
const Markdown = lazy(() => import('./markdown').then((module) => ({ default: module.Markdown })))

const STATUS_TEXT = {
  connecting: 'Routing…',
  streaming: 'Streaming…',
  done: 'Done',
  stopped: 'Stopped',
  failed: 'Failed',
} as const

export function TurnView({ turn }: { turn: Turn }) {
  const { stream } = turn
  const live = stream.status === 'connecting' || stream.status === 'streaming'
  return (
    <li className="turn">
      <div className="bubble bubble-user">
        <span className="visually-hidden">You: </span>
        {turn.prompt}
      </div>
      <article
        className="bubble bubble-answer"
        aria-label="Answer"
        aria-busy={live}
        data-status={stream.status}
        data-chunks={stream.chunks}
      >
        <header className="answer-head">
          <span className="tag">{stream.metadata?.model.displayName ?? 'Choosing a model…'}</span>
          <span className={`answer-status status-${stream.status}`} role="status">
            {STATUS_TEXT[stream.status]}
            {stream.reconnecting && ' (connection lost, reconnecting…)'}
          </span>
        </header>
        {stream.text ? (
          <Suspense fallback={<p className="plain-answer">{stream.text}</p>}>
            <Markdown text={stream.text} />
          </Suspense>
        ) : (
          live && <p className="muted typing">Waiting for the first token…</p>
        )}
        {stream.status === 'stopped' && (
          <p className="muted small">You stopped this answer; the text so far is kept.</p>
        )}
        {stream.problem && <ErrorNotice problem={stream.problem} />}
        {stream.end && <EndStats end={stream.end} />}
      </article>
    </li>
  )
}
