// The gateway's optional shared state: one Redis (REDIS_URL) that every replica talks to, for
// rate-limit counters, resumable stream events, cross-replica cancels and the result cache.
//
// With REDIS_URL unset `redis` is null and each feature keeps its state in process. With it set,
// commands never queue while Redis is away (`enableOfflineQueue: false`): they fail at once, and
// each feature falls back to its local state until `ready()` is true again. The client reconnects
// by itself; the degradation is logged once per outage, and health reports it. A command that
// takes over 500 ms fails too, so a hung Redis degrades the same way a dead one does.

import { createRequire } from 'node:module'
import type { DependencyHealth } from '@tokenflow/api'
import type { Redis } from 'ioredis'
import type { Logger } from '../observability/logger'

export type SharedStateOptions = {
  url: string | undefined
  logger: Logger
  /** Longest wait between reconnect attempts. */
  maxReconnectDelayMs?: number
}

export type SharedState = {
  /** The command connection, or null without REDIS_URL. Check `ready()` before relying on it. */
  redis: Redis | null
  /** A second connection for SUBSCRIBE (a subscribed connection cannot run other commands). */
  subscriber: Redis | null
  /** True while Redis answers; always false without REDIS_URL. */
  ready(): boolean
  health(): DependencyHealth
  close(): Promise<void>
}

/** Where the URL points, without its password, for logs and health. */
const describe = (url: string) => {
  try {
    const parsed = new URL(url)
    return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`
  } catch {
    return 'redis'
  }
}

export const createSharedState = ({
  url,
  logger,
  maxReconnectDelayMs = 2_000,
}: SharedStateOptions): SharedState => {
  if (!url) {
    return {
      redis: null,
      subscriber: null,
      ready: () => false,
      health: () => ({
        name: 'redis',
        kind: 'state',
        status: 'unconfigured',
        detail: 'REDIS_URL unset: rate limits, stream resume and the cache are per process',
        latencyMs: null,
      }),
      close: async () => {},
    }
  }
  // Loaded only here: a gateway without REDIS_URL does not carry the client in its memory.
  const { Redis } = createRequire(import.meta.url)('ioredis') as typeof import('ioredis')
  const where = describe(url)
  const connect = (role: string) =>
    new Redis(url, {
      connectionName: `tokenflow-${role}`,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
      // A Redis that hangs rather than refuses fails each command after this, like one that is
      // down, so no request waits on it for long.
      commandTimeout: 500,
      retryStrategy: (attempt) => Math.min(attempt * 100, maxReconnectDelayMs),
    })
  const redis = connect('commands')
  const subscriber = connect('subscriber')
  let lastError = 'connecting'
  let degraded = false
  let closing = false

  redis.on('ready', () => {
    if (degraded) logger.info('redis is back: shared state in use again', { redis: where })
    degraded = false
  })
  const lost = (why: string) => {
    lastError = why
    if (degraded || closing) return
    degraded = true
    logger.warn('redis unavailable: serving from local state until it returns', {
      redis: where,
      error: why,
    })
  }
  redis.on('error', (error: Error) => lost(error.message))
  redis.on('close', () => lost('connection closed'))
  // The subscriber reconnects on its own; its errors are the same outage, already logged.
  subscriber.on('error', () => {})

  return {
    redis,
    subscriber,
    ready: () => redis.status === 'ready',
    health: () =>
      redis.status === 'ready'
        ? {
            name: 'redis',
            kind: 'state',
            status: 'up',
            detail: `shared state at ${where}`,
            latencyMs: null,
          }
        : {
            name: 'redis',
            kind: 'state',
            status: 'down',
            detail: `redis at ${where} unavailable (${lastError}); serving from local state`,
            latencyMs: null,
          },
    close: async () => {
      closing = true
      redis.disconnect()
      subscriber.disconnect()
    },
  }
}
