// A failure shown where it happened: a plain-words headline and the server's detail.
import type { Problem } from '../lib/problem'

export function ErrorNotice({ problem }: { problem: Problem }) {
  return (
    <div className="notice notice-error" role="alert" data-code={problem.code}>
      <strong className="notice-title">{problem.title}</strong>
      {problem.detail && <p className="notice-detail">{problem.detail}</p>}
    </div>
  )
}
