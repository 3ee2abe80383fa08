// Load benchmark of the gateway with autocannon: REST and tRPC endpoints against the fake provider
// (gateway overhead = latency through the gateway minus latency of the fake provider alone), then
// a run on /api/classify where the real ML service is killed for 10 s in the middle.
// Run: pnpm --filter @tokenflow/server bench   (LOAD_DURATION_S, LOAD_RATE, LOAD_CONNECTIONS tune it)
import autocannon from 'autocannon'
import { freePort } from '../../apps/server/test/free-port'
import { printTable, writeResults } from './load-table'
import { runMlFault } from './ml-fault-run'
import { startFakeProviderProcess, startGatewayProcess } from './processes'

const COMMAND = 'pnpm --filter @tokenflow/server bench'
const durationS = Number(process.env.LOAD_DURATION_S ?? 10)
const rate = Number(process.env.LOAD_RATE ?? 200)
const connections = Number(process.env.LOAD_CONNECTIONS ?? 20)
const onlyOverhead = process.argv.includes('--overhead-only')
const onlyFault = process.argv.includes('--fault-only')

type Scenario = {
  name: string
  surface: 'direct' | 'REST' | 'tRPC'
  url: string
  method?: 'GET' | 'POST'
  body?: unknown
  /** Which direct scenario this one's overhead is measured against. */
  baseline?: string
}

const prompt = 'hello gateway load test with a few words'

const run = (scenario: Scenario, seconds: number) =>
  autocannon({
    url: scenario.url,
    method: scenario.method ?? 'GET',
    headers: { 'content-type': 'application/json' },
    body: scenario.body === undefined ? undefined : JSON.stringify(scenario.body),
    connections,
    overallRate: rate,
    duration: seconds,
    timeout: 10,
  })

const overhead = async () => {
  const fake = await startFakeProviderProcess()
  const gateway = await startGatewayProcess({
    GROQ_API_KEY: 'gsk-bench-key',
    GROQ_BASE_URL: fake.apiUrl,
    ML_SERVICE_URL: `http://127.0.0.1:${await freePort()}`,
  })
  const generateInput = { prompt, model: 'groq/llama-3.1-8b-instant' }
  const scenarios: Scenario[] = [
    {
      name: 'fake provider alone (stream)',
      surface: 'direct',
      url: `${fake.apiUrl}/chat/completions`,
      method: 'POST',
      body: {
        model: 'llama-3.1-8b-instant',
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: 'user', content: prompt }],
      },
    },
    {
      name: 'POST /api/generate (SSE)',
      surface: 'REST',
      url: `${gateway.url}/api/generate`,
      method: 'POST',
      body: generateInput,
      baseline: 'fake provider alone (stream)',
    },
    {
      name: 'generation.stream (SSE)',
      surface: 'tRPC',
      url: `${gateway.url}/trpc/generation.stream?input=${encodeURIComponent(JSON.stringify(generateInput))}`,
      baseline: 'fake provider alone (stream)',
    },
    {
      name: 'POST /api/models/select (SSE)',
      surface: 'REST',
      url: `${gateway.url}/api/models/select`,
      method: 'POST',
      body: { prompt, possible_categories: ['text-to-text'], strategy: 'cheapest' },
      baseline: 'fake provider alone (stream)',
    },
    { name: 'GET /api/model-rankings', surface: 'REST', url: `${gateway.url}/api/model-rankings` },
    { name: 'models.list', surface: 'tRPC', url: `${gateway.url}/trpc/models.list` },
  ]
  const rows: Record<string, string | number>[] = []
  const raw: Record<string, unknown> = {}
  try {
    for (const scenario of scenarios) {
      await run(scenario, 2) // warm-up: JIT, connection pools, provider status cache
      const result = await run(scenario, durationS)
      raw[scenario.name] = result.latency
      const base = scenario.baseline ? raw[scenario.baseline] : undefined
      const baseLatency = base as { p50: number; p99: number } | undefined
      const errors = result.errors + result.timeouts + result.non2xx
      rows.push({
        scenario: scenario.name,
        surface: scenario.surface,
        reqPerS: result.requests.average,
        requests: result.requests.total,
        p50Ms: result.latency.p50,
        p99Ms: result.latency.p99,
        overheadP50Ms: baseLatency
          ? result.latency.p50 - baseLatency.p50
          : scenario.surface === 'direct'
            ? 0
            : result.latency.p50,
        overheadP99Ms: baseLatency
          ? result.latency.p99 - baseLatency.p99
          : scenario.surface === 'direct'
            ? 0
            : result.latency.p99,
        errors,
      })
    }
  } finally {
    await gateway.stop()
    await fake.stop()
  }
  console.log(
    `\nGateway overhead at ${rate} req/s offered, ${connections} connections, ${durationS} s per scenario`,
  )
  printTable(rows)
  writeResults('load-overhead', COMMAND, {
    settings: { offeredRatePerS: rate, connections, durationS },
    note: 'overhead = gateway latency minus the fake provider alone at the same offered rate; rows without an upstream (rankings, models.list) count their whole latency as overhead',
    rows,
  })
  return rows
}

const main = async () => {
  if (!onlyFault) await overhead()
  if (!onlyOverhead) await runMlFault({ command: COMMAND })
}

await main()
