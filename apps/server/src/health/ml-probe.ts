// Active readiness probe of the ML service: GET /ready every `intervalMs` with a short timeout,
// keeping the latest answer. /readyz, system.health and the providers the ML service serves (the
// local model) all read it, so none of them reports a dead service as up from an old request;
// a killed service is seen at the next probe, within intervalMs (+ timeoutMs when it hangs).
import type { MlClient } from '../ml/ml-client'

export type MlProbeResult = Awaited<ReturnType<MlClient['probe']>> & {
  /** When the answer came (Date.now()). */
  at: number
}

export type MlProbeOptions = {
  ml: Pick<MlClient, 'probe'>
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
  /** The latest probe's answer; while stopped (tests calling app.request), a probe made now. */
  check(): Promise<MlProbeResult>
}

export const createMlProbe = ({
  ml,
  intervalMs,
  timeoutMs,
  path = '/ready',
}: MlProbeOptions): MlProbe => {
  let running = false
  let timer: NodeJS.Timeout | undefined
  let latest: MlProbeResult | undefined
  let inflight: Promise<MlProbeResult> | undefined
  // Each start() begins a new loop; one left over from before a stop() ends at its next turn.
  let loop = 0

  const probeOnce = (): Promise<MlProbeResult> => {
    if (inflight) return inflight
    const probe = ml.probe(path, timeoutMs).then((answer) => {
      latest = { ...answer, at: Date.now() }
      return latest
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
