// Active readiness probe of the ML service: GET /ready on every replica every `intervalMs` with a
// short timeout, keeping the latest answers. /readyz, system.health, the providers the ML service
// serves (the local model) and the ML client's choice of replica all read them, so none of them
// takes a dead replica for up from an old request; a killed one is seen at the next probe, within
// intervalMs (+ timeoutMs when it hangs).
import type { MlClient, MlProbeAnswer } from '../ml/ml-client'

export type MlProbeResult = MlProbeAnswer & {
  /** When the answer came (Date.now()). */
  at: number
}

export type MlProbeOptions = {
  ml: Pick<MlClient, 'probe' | 'urls'>
  intervalMs: number
  timeoutMs: number
  /** The ML service's readiness route (services/ml-python routes/ops.py). */
  path?: string
}

export type MlProbe = {
  /** Probes now, then every intervalMs on an unref'd timer (it never keeps the process alive). */
  start(): void
  stop(): void
  /** Whether start() runs it; only then does `check()` answer from the timer's latest probe. */
  readonly running: boolean
  /**
   * The latest probe's answers, one per replica in ML_SERVICE_URL's order; while stopped (tests
   * calling app.request), a probe made now.
   */
  check(): Promise<MlProbeResult[]>
}

export const createMlProbe = ({
  ml,
  intervalMs,
  timeoutMs,
  path = '/ready',
}: MlProbeOptions): MlProbe => {
  let running = false
  let timer: NodeJS.Timeout | undefined
  let latest: MlProbeResult[] | undefined
  let inflight: Promise<MlProbeResult[]> | undefined
  // Each start() begins a new loop; one left over from before a stop() ends at its next turn.
  let loop = 0

  const probeOnce = (): Promise<MlProbeResult[]> => {
    if (inflight) return inflight
    const probe = Promise.all(
      ml.urls.map((url) =>
        ml.probe(path, timeoutMs, url).then((answer) => ({ ...answer, at: Date.now() })),
      ),
    ).then((answers) => {
      latest = answers
      return answers
    })
    inflight = probe
    void probe.finally(() => {
      if (inflight === probe) inflight = undefined
    })
    return probe
  }

  const tick = async (id: number) => {
    const started = performance.now()
    await probeOnce()
    if (!running || id !== loop) return
    // Fixed rate, not fixed delay: a slow answer does not stretch the time to notice a death.
    const wait = Math.max(0, intervalMs - (performance.now() - started))
    timer = setTimeout(() => void tick(id), wait)
    timer.unref()
  }

  return {
    start() {
      if (running) return
      running = true
      loop += 1
      void tick(loop)
    },
    stop() {
      running = false
      clearTimeout(timer)
      timer = undefined
    },
    get running() {
      return running
    },
    check() {
      if (running && latest) return Promise.resolve(latest)
      return probeOnce()
    },
  }
}
