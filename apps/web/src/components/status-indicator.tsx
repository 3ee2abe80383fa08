// The header's health light from `system.health`; opening it lists each dependency and what to
// configure when one is missing.

import { useEffect, useId, useRef, useState } from 'react'
import { formatMs } from '../lib/format'
import {
  dependencyHint,
  dependencyKindLabel,
  healthLevel,
  healthSummary,
} from '../lib/health-level'
import { trpc } from '../trpc'

const POLL_MS = 5000

export function StatusIndicator() {
  const health = trpc.system.health.useQuery(undefined, {
    refetchInterval: POLL_MS,
    retry: false,
  })
  const unreachable = health.isError
  const level = healthLevel(health.data, unreachable)
  const summary = healthSummary(health.data, unreachable)
  const panelId = useId()
  const [open, setOpen] = useState(false)
  const root = useRef<HTMLDivElement>(null)

  // Escape or a click elsewhere closes the panel, as with any popover.
  useEffect(() => {
    if (!open) return
    const onKey = (event: KeyboardEvent) => event.key === 'Escape' && setOpen(false)
    const onPointer = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false)
    }
    document.addEventListener('keydown', onKey)
    document.addEventListener('pointerdown', onPointer)
    return () => {
      document.removeEventListener('keydown', onKey)
      document.removeEventListener('pointerdown', onPointer)
    }
  }, [open])

  return (
    <div className="status" data-level={level} ref={root}>
      <button
        type="button"
        className="status-summary"
        aria-label={`System status: ${summary}`}
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((value) => !value)}
      >
        <span className="status-dot" aria-hidden="true" />
        <span className="status-text">{summary}</span>
      </button>
      <div className="status-panel" id={panelId} hidden={!open}>
        {unreachable ? (
          <p>
            The console cannot reach the TokenFlow server. Start it with <code>pnpm dev</code> (port
            8000), or set <code>TOKENFLOW_SERVER_URL</code> for the web server's proxy.
          </p>
        ) : (
          <ul className="status-list">
            {health.data?.dependencies.map((dependency) => {
              const hint = dependencyHint(dependency)
              return (
                <li key={dependency.name} data-status={dependency.status}>
                  <span className="status-dot" aria-hidden="true" />
                  <div>
                    <strong>{dependency.name}</strong>{' '}
                    <span className="muted">
                      {dependencyKindLabel[dependency.kind]} · {dependency.status}
                      {dependency.latencyMs !== null && ` · ${formatMs(dependency.latencyMs)}`}
                    </span>
                    {dependency.detail && <p className="muted small">{dependency.detail}</p>}
                    {hint && <p className="hint small">{hint}</p>}
                  </div>
                </li>
              )
            })}
          </ul>
        )}
        {health.data && (
          <p className="muted small">
            Server {health.data.version} · up {Math.round(health.data.uptimeS)} s
          </p>
        )}
      </div>
    </div>
  )
}
