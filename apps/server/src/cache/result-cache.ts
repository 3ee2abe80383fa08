// Results of ML calls (compression, classification) kept for reuse: an LRU in this process always,
// and, while Redis is ready, Redis for every replica. Memory is looked up first, then Redis (a hit
// there fills memory), then the call is made and its result written to both. Identical misses in
// this process share one call. Only results are stored, never failures, and Redis never fails a
// request: its errors and slow answers count as misses (and in tokenflow_cache_errors_total).
import { LRUCache } from 'lru-cache'
import type { Metrics } from '../observability/metrics'
import type { SharedState } from '../state/shared-state'
import { cacheKey } from './cache-key'
import { createCoalescer } from './coalescer'
import { createRedisTier } from './redis-tier'

export type CacheName = 'compression' | 'classification'

/** Where an answer came from: a tier of the cache, or a call made for it. */
export type CacheSource = 'memory' | 'redis' | 'call'

export type CacheRequest = {
  cache: CacheName
  /** Part of the key: `tf:cache:<operation>:…`. */
  operation: string
  /** Everything the result depends on (the ML request body). */
  request: unknown
}

export type ResultCache = {
  /**
   * The stored result for this request, else load's, stored. load gets a signal of its own, aborted
   * only when every caller waiting on it has aborted; `signal` aborts this caller's wait.
   */
  get<T>(
    request: CacheRequest,
    load: (signal: AbortSignal) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<{ value: T; source: CacheSource }>
}

export type ResultCacheOptions = {
  /** How long a result is reused (CACHE_TTL_S), at least 1. */
  ttlS: number
  /** Results held in process (CACHE_MAX_ENTRIES). */
  maxEntries: number
  /** UTF-8 bytes of results held in process: compression results carry whole prompts. */
  maxBytes?: number
  state: SharedState
  metrics: Pick<Metrics, 'cacheRequests' | 'cacheErrors'>
  /** Longest wait for a Redis lookup before it counts as a miss. */
  redisTimeoutMs?: number
}

type Stored = { json: string; source: CacheSource }

const parses = (json: string) => {
  try {
    JSON.parse(json)
    return true
  } catch {
    return false
  }
}

export const createResultCache = ({
  ttlS,
  maxEntries,
  maxBytes = 128 * 1024 * 1024,
  state,
  metrics,
  redisTimeoutMs = 75,
}: ResultCacheOptions): ResultCache => {
  // JSON text, not objects: every caller gets a copy of its own, and its size is known.
  const memory = new LRUCache<string, string>({
    max: maxEntries,
    maxSize: maxBytes,
    sizeCalculation: (json, key) => Buffer.byteLength(json) + key.length,
    ttl: ttlS * 1_000,
  })
  const redis = createRedisTier({
    state,
    ttlS,
    timeoutMs: redisTimeoutMs,
    onError: (failure) => metrics.cacheErrors.inc(failure),
  })
  const flights = createCoalescer<Stored>()
  const count = (cache: CacheName, tier: 'memory' | 'redis', result: 'hit' | 'miss') =>
    metrics.cacheRequests.inc({ cache, tier, result })

  const fill = async (cache: CacheName, key: string, load: () => Promise<unknown>) => {
    if (redis.ready()) {
      const found = await redis.get(key)
      if (found && parses(found.value)) {
        count(cache, 'redis', 'hit')
        memory.set(key, found.value, { ttl: found.ttlMs })
        return { json: found.value, source: 'redis' } satisfies Stored
      }
      // Not JSON: written by something else under our prefix. Recomputed and overwritten.
      if (found) metrics.cacheErrors.inc({ operation: 'get', reason: 'invalid' })
      count(cache, 'redis', 'miss')
    }
    const json = JSON.stringify(await load())
    memory.set(key, json)
    redis.set(key, json)
    return { json, source: 'call' } satisfies Stored
  }

  return {
    async get<T>(
      { cache, operation, request }: CacheRequest,
      load: (signal: AbortSignal) => Promise<T>,
      signal?: AbortSignal,
    ) {
      const key = cacheKey(operation, request)
      const held = memory.get(key)
      if (held !== undefined) {
        count(cache, 'memory', 'hit')
        return { value: JSON.parse(held) as T, source: 'memory' as const }
      }
      count(cache, 'memory', 'miss')
      const { json, source } = await flights.run(
        key,
        (shared) => fill(cache, key, () => load(shared)),
        signal,
      )
      return { value: JSON.parse(json) as T, source }
    },
  }
}
