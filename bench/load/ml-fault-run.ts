// Load on /api/classify while the real ML service is SIGKILLed for 10 s: errors must appear only
// while it is down, and the gateway must serve fully again once it is back.
import autocannon from 'autocannon'
import { startMlService } from '../../apps/server/test/ml-service'
import { printTable, writeResults } from './load-table'
import { startGatewayProcess } from './processes'

type Sample = { at: number; status: number }

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms))

export const runMlFault = async ({ command }: { command: string }) => {
  const rate = Number(process.env.FAULT_RATE ?? 20)
  const ml = await startMlService()
  const gateway = await startGatewayProcess({
    ML_SERVICE_URL: ml.url,
    ML_INTERNAL_TOKEN: ml.token,
    ML_BREAKER_HALF_OPEN_MS: '1000',
    ML_TIMEOUT_MS: '5000',
  })
  const samples: Sample[] = []
  let finish: () => void = () => {}
  const done = new Promise<void>((resolve) => {
    finish = resolve
  })
  // The callback form returns the running instance, which the schedule below stops.
  const instance = autocannon(
    {
      url: `${gateway.url}/api/classify`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'Rewrite this email so it sounds friendlier.' }),
      connections: 4,
      overallRate: rate,
      duration: 600,
      timeout: 10,
    },
    () => finish(),
  )
  instance.on('response', (_client, statusCode) =>
    samples.push({ at: Date.now(), status: statusCode }),
  )
  instance.on('reqError', () => samples.push({ at: Date.now(), status: 0 }))

  const startedAt = Date.now()
  let killedAt = 0
  let restartedAt = 0
  let readyAt = 0
  try {
    await sleep(10_000)
    killedAt = Date.now()
    await ml.kill()
    await sleep(10_000)
    restartedAt = Date.now()
    await ml.restart()
    readyAt = Date.now()
    await sleep(10_000)
  } finally {
    instance.stop()
    await done
    await gateway.stop()
    await ml.stop()
  }

  const phase = (from: number, to: number) => samples.filter((s) => s.at >= from && s.at < to)
  const firstOkAfterReady = samples.find((s) => s.at >= readyAt && s.status === 200)
  const recoveredAt = firstOkAfterReady?.at ?? Number.POSITIVE_INFINITY
  const summarize = (name: string, list: Sample[]) => {
    const errors = list.filter((s) => s.status !== 200)
    const statuses = [...new Set(errors.map((s) => s.status))].sort().join(' ') || '-'
    return {
      phase: name,
      requests: list.length,
      errors: errors.length,
      errorRate: list.length ? errors.length / list.length : 0,
      errorStatuses: statuses,
    }
  }
  const rows = [
    summarize('healthy (0-10 s)', phase(startedAt, killedAt)),
    summarize('ML killed (10 s)', phase(killedAt, restartedAt)),
    summarize('ML restarting (model load)', phase(restartedAt, readyAt)),
    summarize('after ready, before first 200', phase(readyAt, recoveredAt)),
    summarize('recovered (rest of run)', phase(recoveredAt, Date.now())),
  ]
  const perSecond = Array.from({ length: Math.ceil((Date.now() - startedAt) / 1000) }, (_, i) => {
    const list = phase(startedAt + i * 1000, startedAt + (i + 1) * 1000)
    return {
      second: i,
      ok: list.filter((s) => s.status === 200).length,
      errors: list.filter((s) => s.status !== 200).length,
    }
  })
  const recoveryMs = recoveredAt - readyAt
  console.log(`\nML service killed for 10 s under ${rate} req/s on POST /api/classify`)
  printTable(rows)
  console.log(
    `recovery: first 200 ${Number.isFinite(recoveryMs) ? `${recoveryMs} ms` : 'never'} after the ML service was ready again (restart took ${readyAt - restartedAt} ms)`,
  )
  writeResults('load-ml-fault', command, {
    settings: { offeredRatePerS: rate, connections: 4, endpoint: 'POST /api/classify' },
    timeline: {
      killedAtS: (killedAt - startedAt) / 1000,
      restartedAtS: (restartedAt - startedAt) / 1000,
      readyAtS: (readyAt - startedAt) / 1000,
      recoveryMs: Number.isFinite(recoveryMs) ? recoveryMs : null,
    },
    rows,
    perSecond,
  })
}
