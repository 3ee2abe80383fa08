// The result cache's Redis tier, shared by every replica. It costs a request a bounded wait at
// most: nothing is sent while Redis is not ready, a lookup slower than `timeoutMs` is a miss (a
// hung Redis must not stall requests), and writes are not awaited. Failures go to `onError`.
import type { Redis } from 'ioredis'
import type { SharedState } from '../state/shared-state'

export type RedisTierFailure = { operation: 'get' | 'set'; reason: 'error' | 'timeout' }

export type RedisTierOptions = {
  state: SharedState
  ttlS: number
  timeoutMs: number
  onError: (failure: RedisTierFailure) => void
}

export type RedisTier = {
  /** Whether lookups go to Redis now. */
  ready(): boolean
  /** The stored value and how long it has left, or null: absent, failed or too slow. */
  get(key: string): Promise<{ value: string; ttlMs: number } | null>
  set(key: string, value: string): void
}

const TIMED_OUT = Symbol('timed out')

export const createRedisTier = ({
  state,
  ttlS,
  timeoutMs,
  onError,
}: RedisTierOptions): RedisTier => {
  /** The connection while Redis answers, else null. */
  const connection = () => (state.ready() ? state.redis : null)

  // Sent back to back on one connection, GET and PTTL cost one round trip: a value copied into
  // memory expires when Redis's copy does.
  const lookup = async (redis: Redis, key: string) => {
    const [value, ttlMs] = await Promise.all([redis.get(key), redis.pttl(key)])
    // -2: it expired between the two commands. -1 (no expiry) is never written by this cache.
    if (value === null || ttlMs === -2) return null
    return { value, ttlMs: ttlMs > 0 ? ttlMs : ttlS * 1_000 }
  }

  return {
    ready: () => connection() !== null,
    async get(key) {
      const redis = connection()
      if (!redis) return null
      let timer: NodeJS.Timeout | undefined
      const timedOut = new Promise<typeof TIMED_OUT>((resolve) => {
        timer = setTimeout(() => resolve(TIMED_OUT), timeoutMs)
      })
      try {
        const found = await Promise.race([lookup(redis, key), timedOut])
        if (found !== TIMED_OUT) return found
        onError({ operation: 'get', reason: 'timeout' })
      } catch {
        onError({ operation: 'get', reason: 'error' })
      } finally {
        clearTimeout(timer)
      }
      return null
    },
    set(key, value) {
      connection()
        ?.set(key, value, 'EX', ttlS)
        .catch(() => onError({ operation: 'set', reason: 'error' }))
    },
  }
}
