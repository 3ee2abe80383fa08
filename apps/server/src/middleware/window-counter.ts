// Fixed-window counts per key (a client address, an API key), for the rate limit and the
// failed-auth limit. Memory stays bounded: every window lasts the same time, so the map's
// insertion order is expiry order and expired windows are dropped from its front on each hit;
// past maxKeys live windows the oldest one is forgotten.
export type WindowCount = {
  /** Events counted for the key in its current window. */
  count: number
  /** Seconds until that window ends (at least 1). */
  resetS: number
}

export type WindowCounterOptions = {
  windowMs: number
  /** Live windows kept at most; 10,000 unless set. */
  maxKeys?: number
  now?: () => number
}

export type WindowCounter = {
  /** Counts one event for `key`. */
  hit(key: string): WindowCount
  /** The key's current count, without counting. */
  peek(key: string): WindowCount
  /** Windows held now (expired ones included until the next hit drops them). */
  readonly size: number
}

export const createWindowCounter = ({
  windowMs,
  maxKeys = 10_000,
  now = Date.now,
}: WindowCounterOptions): WindowCounter => {
  const windows = new Map<string, { count: number; endsAt: number }>()
  const resetS = (endsAt: number, time: number) => Math.max(1, Math.ceil((endsAt - time) / 1000))

  const dropExpired = (time: number) => {
    for (const [key, window] of windows) {
      if (window.endsAt > time) return
      windows.delete(key)
    }
  }

  return {
    hit(key) {
      const time = now()
      dropExpired(time)
      let window = windows.get(key)
      if (!window) {
        if (windows.size >= maxKeys) {
          const oldest = windows.keys().next()
          if (!oldest.done) windows.delete(oldest.value)
        }
        window = { count: 0, endsAt: time + windowMs }
        windows.set(key, window)
      }
      window.count += 1
      return { count: window.count, resetS: resetS(window.endsAt, time) }
    },
    peek(key) {
      const time = now()
      const window = windows.get(key)
      if (!window || window.endsAt <= time)
        return { count: 0, resetS: resetS(time + windowMs, time) }
      return { count: window.count, resetS: resetS(window.endsAt, time) }
    },
    get size() {
      return windows.size
    },
  }
}
