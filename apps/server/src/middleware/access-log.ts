// One JSON log line and one metrics sample per request, labelled by tRPC procedure or REST route
// (never by raw URL, so junk paths cannot blow up metric cardinality). `ms` is the time to the
// response's head.
import type { MiddlewareHandler } from 'hono'
import { routePath } from 'hono/route'
import type { AppEnv } from '../app-env'
import type { Logger } from '../observability/logger'
import type { Metrics } from '../observability/metrics'

export type AccessLogOptions = {
  logger: Logger
  metrics: Metrics
  /** Procedure paths of the tRPC router, e.g. `compression.compress`. */
  procedures: ReadonlySet<string>
}

const routeLabel = (path: string, matched: string, procedures: ReadonlySet<string>): string => {
  if (path.startsWith('/trpc/')) {
    const names = decodeURIComponent(path.slice('/trpc/'.length)).split(',')
    if (!names.every((name) => procedures.has(name))) return 'trpc:unknown'
    // A batch may repeat and reorder procedures at will; one label for every mixed batch keeps
    // the label set bounded by the router (`a,a,a…` used to mint a new series per length).
    const distinct = new Set(names)
    return distinct.size === 1 ? `trpc:${names[0]}` : 'trpc:batch'
  }
  return matched.includes('*') ? 'unmatched' : matched
}

export const accessLog = ({
  logger,
  metrics,
  procedures,
}: AccessLogOptions): MiddlewareHandler<AppEnv> =>
  async function accessLogMiddleware(c, next) {
    const started = performance.now()
    await next()
    const seconds = (performance.now() - started) / 1000
    let route: string
    try {
      route = routeLabel(c.req.path, routePath(c, -1), procedures)
    } catch {
      route = 'unmatched'
    }
    const method = c.req.method
    const status = c.res.status
    const requestId = c.get('requestId')
    const record = () => {
      metrics.requests.inc({ route, method, status: String(status) })
      metrics.requestDuration.observe({ route, method }, seconds)
      const level = status >= 500 ? 'error' : 'info'
      // Health probes and scrapes would drown the log; they are visible in metrics.
      if (route === '/healthz' || route === '/metrics') return
      logger[level]('request', {
        requestId,
        method,
        route,
        status,
        ms: Math.round(seconds * 1000 * 10) / 10,
      })
    }
    // An event stream's head (and, on /v1, its first token) goes out once every middleware has
    // returned: its line and samples are recorded right after, not before it.
    if (c.get('sendStream')) setImmediate(record)
    else record()
  }
