// Prometheus metrics of the gateway, on a registry of its own so tests can build many apps.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'

export const createMetrics = ({ defaultMetrics = true }: { defaultMetrics?: boolean } = {}) => {
  const registry = new Registry()
  if (defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'tokenflow_' })
  const registers = [registry]
  return {
    registry,
    requests: new Counter({
      name: 'tokenflow_http_requests_total',
      help: 'HTTP requests by route (tRPC procedure or REST path), method and status',
      labelNames: ['route', 'method', 'status'] as const,
      registers,
    }),
    requestDuration: new Histogram({
      name: 'tokenflow_http_request_duration_seconds',
      help: 'Time to the response head by route; streams count until their first byte',
      labelNames: ['route', 'method'] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    streams: new Counter({
      name: 'tokenflow_streams_total',
      help: 'Generation and routing streams by kind and outcome',
      labelNames: ['kind', 'outcome'] as const,
      registers,
    }),
    activeStreams: new Gauge({
      name: 'tokenflow_streams_active',
      help: 'Streams currently open',
      labelNames: ['kind'] as const,
      registers,
    }),
    timeToFirstToken: new Histogram({
      name: 'tokenflow_time_to_first_token_seconds',
      help: 'Time from stream start to the first text delta, by model',
      labelNames: ['provider', 'model'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers,
    }),
    tokens: new Counter({
      name: 'tokenflow_tokens_total',
      help: 'Tokens sent to (in) and received from (out) providers, by model',
      labelNames: ['provider', 'model', 'direction'] as const,
      registers,
    }),
    savedTokens: new Counter({
      name: 'tokenflow_tokens_saved_total',
      help: 'Prompt tokens removed by compression before generation',
      registers,
    }),
    providerErrors: new Counter({
      name: 'tokenflow_provider_errors_total',
      help: 'Provider failures by provider and error code',
      labelNames: ['provider', 'code'] as const,
      registers,
    }),
    breakerState: new Gauge({
      name: 'tokenflow_ml_breaker_state',
      help: 'Circuit breaker of each ML service replica (its URL): 0 closed, 1 half-open, 2 open',
      labelNames: ['replica'] as const,
      registers,
    }),
    mlErrors: new Counter({
      name: 'tokenflow_ml_errors_total',
      help: 'Failed ML service calls by error type',
      labelNames: ['type'] as const,
      registers,
    }),
    cacheRequests: new Counter({
      name: 'tokenflow_cache_requests_total',
      help: 'Result cache lookups by cache, tier (memory, then redis) and result (hit or miss)',
      labelNames: ['cache', 'tier', 'result'] as const,
      registers,
    }),
    cacheErrors: new Counter({
      name: 'tokenflow_cache_errors_total',
      help: 'Redis cache commands that failed, timed out or read an unusable value',
      labelNames: ['operation', 'reason'] as const,
      registers,
    }),
    requestLogRows: new Counter({
      name: 'tokenflow_request_log_rows_total',
      help: 'Request log rows written to the database, or dropped (queue full, write failed twice)',
      labelNames: ['result'] as const,
      registers,
    }),
    requestLogWriteErrors: new Counter({
      name: 'tokenflow_request_log_write_errors_total',
      help: 'Batched request log inserts that failed',
      registers,
    }),
    requestLogQueue: new Gauge({
      name: 'tokenflow_request_log_queue',
      help: 'Request log rows waiting to be written',
      registers,
    }),
  }
}

export type Metrics = ReturnType<typeof createMetrics>
