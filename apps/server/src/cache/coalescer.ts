// Concurrent calls for one key share one run. The run gets a signal of its own, aborted only once
// every caller waiting on it has given up, so one caller's cancel never fails the others.

type Flight<T> = { promise: Promise<T>; controller: AbortController; waiting: number }

export type Coalescer<T> = {
  /** work's result, shared with every caller of the same key while it runs. */
  run(key: string, work: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T>
}

export const createCoalescer = <T>(): Coalescer<T> => {
  const flights = new Map<string, Flight<T>>()

  const launch = (key: string, work: (signal: AbortSignal) => Promise<T>): Flight<T> => {
    const controller = new AbortController()
    const flight: Flight<T> = {
      controller,
      waiting: 0,
      promise: work(controller.signal).finally(() => {
        if (flights.get(key) === flight) flights.delete(key)
      }),
    }
    // Callers that left do not see the outcome; nobody else must be told of it either.
    flight.promise.catch(() => {})
    flights.set(key, flight)
    return flight
  }

  return {
    async run(key, work, signal) {
      signal?.throwIfAborted()
      const current = flights.get(key)
      // A run every caller abandoned is being aborted: a new caller starts afresh.
      const flight = current && !current.controller.signal.aborted ? current : launch(key, work)
      flight.waiting += 1
      if (!signal) return flight.promise
      return new Promise<T>((resolve, reject) => {
        const leave = () => {
          flight.waiting -= 1
          if (flight.waiting === 0) flight.controller.abort(signal.reason)
          reject(signal.reason)
        }
        signal.addEventListener('abort', leave, { once: true })
        flight.promise
          .then(resolve, reject)
          .finally(() => signal.removeEventListener('abort', leave))
      })
    },
  }
}
