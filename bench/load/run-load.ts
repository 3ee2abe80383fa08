// Load benchmark of the gateway with autocannon: for each REST and tRPC endpoint, the offered
// request rate is stepped up until p99 gateway overhead reaches 50 ms or any request fails; the
// table reports the highest rate that held. Then a run on /api/classify where the real ML service
// is killed for 10 s in the middle.
// Run: pnpm --filter @tokenflow/server bench
//   LOAD_RATES (comma list of req/s), LOAD_STEP_S, LOAD_CONNECTIONS, LOAD_LOG_LEVEL tune it;
//   --overhead-only / --fault-only run one half.
import autocannon from 'autocannon'
import { freePort } from '../../apps/server/test/free-port'
import { printTable, writeResults } from './load-table'
import { runMlFault } from './ml-fault-run'
import { startFakeProviderProcess, startGatewayProcess } from './processes'

const COMMAND = 'pnpm --filter @tokenflow/server bench'
const rates = (process.env.LOAD_RATES ?? '50,100,200,300,400,500,600,800,1000')
  .split(',')
  .map(Number)
const stepS = Number(process.env.LOAD_STEP_S ?? 5)
const connections = Number(process.env.LOAD_CONNECTIONS ?? 10)
const logLevel = process.env.LOAD_LOG_LEVEL ?? 'info'
const P99_OVERHEAD_LIMIT_MS = 50
/** Below this share of the offered rate the step did not really run at that rate. */
const MIN_ACHIEVED = 0.95
const API_KEY = 'tf-load-key'
const onlyOverhead = process.argv.includes('--overhead-only')
const onlyFault = process.argv.includes('--fault-only')

type Endpoint = {
  name: string
  surface: 'REST' | 'tRPC'
  url: string
  method?: 'GET' | 'POST'
  body?: unknown
  /** Streams are compared with the fake provider alone at the same rate; the rest have no upstream. */
  streams: boolean
}

type Step = {
  rate: number
  /** 2 when a latency miss was measured again. */
  attempt: number
  achieved: number
  p50Ms: number
  p99Ms: number
  autocannonP99Ms: number
  /** Streams that answered 200 but ended with an `error` event (from the gateway's metrics). */
  failedStreams: number
  baselineP99Ms: number
  overheadP99Ms: number
  errors: number
  held: boolean
}

const prompt = 'hello gateway load test with a few words'

type Sampled = {
  total: number
  errors: number
  p50: number
  p99: number
  /** autocannon's own p99, kept to show how far its correction moves it. */
  autocannonP99: number
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0

// Percentiles come from every response's own latency. autocannon's histogram is not used: with a
// rate it "corrects" coordinated omission with an expected interval of ceil(1 / rate) = 1 ms
// (seconds taken for milliseconds), inventing a sample per millisecond of every slower response.
const hit = (
  target: Omit<Endpoint, 'name' | 'surface' | 'streams'>,
  rate: number,
  seconds: number,
) =>
  new Promise<Sampled>((resolve, reject) => {
    const latencies: number[] = []
    let errors = 0
    const instance = autocannon(
      {
        url: target.url,
        method: target.method ?? 'GET',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
        body: target.body === undefined ? undefined : JSON.stringify(target.body),
        connections,
        overallRate: rate,
        duration: seconds,
        timeout: 10,
      },
      (error, result) => {
        if (error) return reject(error)
        latencies.sort((a, b) => a - b)
        resolve({
          total: latencies.length + errors,
          errors,
          p50: percentile(latencies, 50),
          p99: percentile(latencies, 99),
          autocannonP99: result.latency.p99,
        })
      },
    )
    instance.on('response', (_client, status, _bytes, ms) => {
      if (status >= 200 && status < 300) latencies.push(ms)
      else errors += 1
    })
    instance.on('reqError', () => {
      errors += 1
    })
  })

const overhead = async () => {
  const fake = await startFakeProviderProcess()
  // The production configuration: auth on, the rate limiter counting every request (with a limit
  // the run never reaches), access logs at `info` into a pipe the benchmark drains.
  const gateway = await startGatewayProcess({
    GROQ_API_KEY: 'gsk-bench-key',
    GROQ_BASE_URL: fake.apiUrl,
    ML_SERVICE_URL: `http://127.0.0.1:${await freePort()}`,
    TOKENFLOW_API_KEYS: API_KEY,
    RATE_LIMIT_PER_MINUTE: '100000000',
    LOG_LEVEL: logLevel,
  })
  const generateInput = { prompt, model: 'groq/llama-3.1-8b-instant' }
  const routeInput = { prompt, possibleCategories: ['text-to-text'], strategy: 'cheapest' }
  const trpc = (path: string, input: unknown) =>
    `${gateway.url}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`
  const baseline = {
    url: `${fake.apiUrl}/chat/completions`,
    method: 'POST' as const,
    body: {
      model: 'llama-3.1-8b-instant',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: prompt }],
    },
  }
  const endpoints: Endpoint[] = [
    {
      name: 'POST /api/generate (SSE)',
      surface: 'REST',
      url: `${gateway.url}/api/generate`,
      method: 'POST',
      body: generateInput,
      streams: true,
    },
    {
      name: 'generation.stream (SSE)',
      surface: 'tRPC',
      url: trpc('generation.stream', generateInput),
      streams: true,
    },
    {
      name: 'POST /api/models/select (SSE)',
      surface: 'REST',
      url: `${gateway.url}/api/models/select`,
      method: 'POST',
      body: { prompt, possible_categories: ['text-to-text'], strategy: 'cheapest' },
      streams: true,
    },
    {
      name: 'routing.stream (SSE)',
      surface: 'tRPC',
      url: trpc('routing.stream', routeInput),
      streams: true,
    },
    {
      name: 'GET /api/model-rankings',
      surface: 'REST',
      url: `${gateway.url}/api/model-rankings`,
      streams: false,
    },
    {
      name: 'models.list',
      surface: 'tRPC',
      url: `${gateway.url}/trpc/models.list`,
      streams: false,
    },
  ]

  // An SSE answer is 200 before its first event, so a stream that fails later looks like a success
  // to autocannon; the gateway's own counter of streams by outcome catches those.
  const failedStreams = async () => {
    const text = await (await fetch(`${gateway.url}/metrics`)).text()
    let sum = 0
    for (const match of text.matchAll(
      /^tokenflow_streams_total\{[^}]*outcome="error"[^}]*\} (\d+)/gm,
    )) {
      sum += Number(match[1])
    }
    return sum
  }

  // The fake alone at each rate, measured once per rate and shared by the streaming endpoints.
  const baselineP99 = new Map<number, number>()
  const baselineAt = async (rate: number) => {
    const known = baselineP99.get(rate)
    if (known !== undefined) return known
    const result = await hit(baseline, rate, stepS)
    baselineP99.set(rate, result.p99)
    return result.p99
  }

  const summary: Record<string, string | number>[] = []
  const steps: Record<string, Step[]> = {}
  try {
    await hit(baseline, 50, 2) // warm-up of the fake
    for (const endpoint of endpoints) {
      await hit(endpoint, rates[0] ?? 50, 3) // warm-up: JIT, connection pools, provider status cache
      const list: Step[] = []
      const measure = async (rate: number, attempt: number): Promise<Step> => {
        const base = endpoint.streams ? await baselineAt(rate) : 0
        const failedBefore = await failedStreams()
        const result = await hit(endpoint, rate, stepS)
        const failed = (await failedStreams()) - failedBefore
        const errors = result.errors + failed
        const achieved = result.total / stepS
        const overheadP99Ms = result.p99 - base
        const held =
          errors === 0 && overheadP99Ms < P99_OVERHEAD_LIMIT_MS && achieved >= rate * MIN_ACHIEVED
        console.log(
          `${endpoint.name} @ ${rate}/s${attempt > 1 ? ' (again)' : ''}: achieved ${achieved.toFixed(0)}/s, p99 ${result.p99.toFixed(1)} ms (overhead ${overheadP99Ms.toFixed(1)} ms), errors ${errors}${held ? '' : '  <- over'}`,
        )
        return {
          rate,
          attempt,
          achieved,
          p50Ms: result.p50,
          p99Ms: result.p99,
          autocannonP99Ms: result.autocannonP99,
          failedStreams: failed,
          baselineP99Ms: base,
          overheadP99Ms,
          errors,
          held,
        }
      }
      for (const rate of rates) {
        let step = await measure(rate, 1)
        list.push(step)
        // One p99 over a few seconds is at the mercy of a GC pause or a neighbour's CPU burst on
        // this shared 2-core machine: a latency miss is measured again before it ends the climb.
        // Errors are never retried.
        if (!step.held && step.errors === 0) {
          step = await measure(rate, 2)
          list.push(step)
        }
        if (!step.held) break
      }
      steps[endpoint.name] = list
      const best = [...list].reverse().find((step) => step.held)
      // The step that ended the climb (its last attempt), if any.
      const last = list.at(-1)
      const firstFailed = last && !last.held ? last : undefined
      summary.push({
        endpoint: endpoint.name,
        surface: endpoint.surface,
        maxRatePerS: best?.rate ?? 0,
        p50Ms: best?.p50Ms ?? Number.NaN,
        p99Ms: best?.p99Ms ?? Number.NaN,
        overheadP99Ms: best?.overheadP99Ms ?? Number.NaN,
        errors: best?.errors ?? Number.NaN,
        nextStep: firstFailed
          ? `${firstFailed.rate}/s: p99 overhead ${firstFailed.overheadP99Ms.toFixed(1)} ms, ${firstFailed.errors} errors, ${firstFailed.achieved.toFixed(0)}/s achieved`
          : `none failed up to ${rates.at(-1)}/s`,
      })
    }
  } finally {
    await gateway.stop()
    await fake.stop()
  }
  console.log(
    `\nHighest offered rate per endpoint with p99 gateway overhead < ${P99_OVERHEAD_LIMIT_MS} ms and zero errors (${connections} connections, ${stepS} s per step)`,
  )
  printTable(summary)
  writeResults('load-overhead', COMMAND, {
    settings: {
      // A string: biome keeps the committed JSON as JSON.stringify writes it only without number arrays.
      rates: rates.join(','),
      stepS,
      connections,
      p99OverheadLimitMs: P99_OVERHEAD_LIMIT_MS,
      minAchievedShare: MIN_ACHIEVED,
      gateway: `src/index.ts, LOG_LEVEL=${logLevel}, API-key auth on, rate limiter on (limit not reached)`,
    },
    note: 'overhead = p99 latency through the gateway minus p99 of the fake provider alone at the same offered rate (streams); endpoints without an upstream count their whole p99. A step holds when errors = 0, overhead < limit and the achieved rate is at least 95% of the offered one; a step that misses on latency or rate only is measured once more, and stepping stops at the first step that does not hold twice (or has any error).',
    summary,
    steps,
  })
  return summary
}

const main = async () => {
  if (!onlyFault) await overhead()
  if (!onlyOverhead) await runMlFault({ command: COMMAND })
}

await main()
