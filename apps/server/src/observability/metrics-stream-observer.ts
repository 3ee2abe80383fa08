// The generation engineer's StreamObserver, recorded as Prometheus metrics.
import type { StreamObserver } from '../streams/stream-observer'
import type { Metrics } from './metrics'

export const metricsStreamObserver = (metrics: Metrics): StreamObserver => ({
  streamStarted(kind) {
    metrics.activeStreams.inc({ kind })
  },
  firstToken(model, ms) {
    metrics.timeToFirstToken.observe({ provider: model.provider, model: model.id }, ms / 1000)
  },
  streamEnded({ kind, model, outcome, usage, savedTokens }) {
    metrics.activeStreams.dec({ kind })
    metrics.streams.inc({ kind, outcome })
    if (model && usage) {
      const labels = { provider: model.provider, model: model.id }
      metrics.tokens.inc({ ...labels, direction: 'in' }, usage.promptTokens)
      metrics.tokens.inc({ ...labels, direction: 'out' }, usage.completionTokens)
    }
    if (savedTokens > 0) metrics.savedTokens.inc(savedTokens)
  },
  providerError(provider, code) {
    metrics.providerErrors.inc({ provider, code })
  },
})
