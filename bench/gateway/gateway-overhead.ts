// Gateway overhead: the same fake stream read directly (openai SDK → fake) and through the real
// gateway app (tRPC client over SSE → createApp's middleware → routing.stream / generation.stream
// → SDK → fake), interleaved in one run with the order rotated every round. Classification and
// compression are off: one candidate category, compress 'off'.
//
// Fairness: every stream is a new HTTP request on both paths, and both clients keep connections
// alive (undici's pool under the openai SDK, and under the EventSource of the tRPC client). The
// run counts the TCP connections each path opens per stream, so a path that pays a connect per
// stream would show up in the table rather than hide in the TTFT.
import { subscribe } from 'node:diagnostics_channel'
import { mkdirSync, writeFileSync } from 'node:fs'
import { createTokenFlowClient, type TokenFlowClient } from '@tokenflow/client'
import OpenAI from 'openai'
import { percentile, round, startGateway } from './start-gateway'

const RUNS = Number(process.env.BENCH_RUNS ?? 40)
const CHUNKS = 200
const MODEL = 'llama-3.3-70b-versatile'
const SETTLE_MS = 10
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

type Sample = { ttftMs: number; chunksPerSecond: number; chunks: number }

let connects = 0
subscribe('net.client.socket', () => {
  connects += 1
})

const loadAtStart = round((await import('node:os')).loadavg()[0] ?? 0)
const gateway = await startGateway()
const openai = new OpenAI({ apiKey: 'bench', baseURL: gateway.fake.url, maxRetries: 0 })
const client = createTokenFlowClient({ url: gateway.url, apiKey: gateway.apiKey })
const chunks = Array.from({ length: CHUNKS }, (_, i) => ` token${i}`)
const routeInput = {
  prompt: 'benchmark prompt',
  possibleCategories: ['text-to-text'],
  strategy: 'quality' as const,
  compress: 'off' as const,
}

const sample = (started: number, first: number, last: number, count: number): Sample => ({
  ttftMs: first - started,
  chunksPerSecond: count > 1 ? ((count - 1) * 1000) / (last - first) : 0,
  chunks: count,
})

const direct = async (): Promise<Sample> => {
  const started = performance.now()
  const stream = await openai.chat.completions.create({
    model: MODEL,
    messages: [{ role: 'user', content: routeInput.prompt }],
    stream: true,
    stream_options: { include_usage: true },
  })
  let first = 0
  let last = 0
  let count = 0
  for await (const part of stream) {
    if (!part.choices[0]?.delta.content) continue
    last = performance.now()
    if (count === 0) first = last
    count += 1
  }
  return sample(started, first, last, count)
}

const throughGateway = (procedure: 'routing' | 'generation', c: TokenFlowClient) =>
  new Promise<Sample>((resolve, reject) => {
    const started = performance.now()
    let first = 0
    let last = 0
    let count = 0
    let ended: Sample | null = null
    const handlers = {
      onData: ({ data }: { data: { type: string } }) => {
        if (data.type === 'text') {
          last = performance.now()
          if (count === 0) first = last
          count += 1
        } else if (data.type === 'end') {
          ended = sample(started, first, last, count)
        } else if (data.type === 'error') {
          subscription.unsubscribe()
          reject(new Error(JSON.stringify(data)))
        }
      },
      // The server closes the subscription after `end` (tRPC's `return` event); waiting for it,
      // as the direct path waits for [DONE], leaves no half-closed stream behind the next sample.
      onComplete: () => (ended ? resolve(ended) : reject(new Error('completed without end'))),
      onError: reject,
    }
    const subscription =
      procedure === 'routing'
        ? c.routing.stream.subscribe(routeInput, handlers)
        : c.generation.stream.subscribe(
            { prompt: routeInput.prompt, model: `groq/${MODEL}` },
            handlers,
          )
  })

type Scenario = { name: string; delayMs: number }
const scenarios: Scenario[] = [
  // Paced like a fast provider (500 chunks/s): what a user sees.
  { name: 'paced 2 ms/chunk', delayMs: 2 },
]

const rows = []
for (const scenario of scenarios) {
  gateway.fake.script(MODEL, { kind: 'stream', chunks, delayMs: scenario.delayMs })
  // Warm-up: JIT, connection pools, the provider status cache.
  for (let i = 0; i < 5; i += 1) {
    await direct()
    await throughGateway('routing', client)
    await throughGateway('generation', client)
  }
  const paths = ['direct', 'routing', 'generation'] as const
  const samples: Record<(typeof paths)[number], Sample[]> = {
    direct: [],
    routing: [],
    generation: [],
  }
  const connections: Record<(typeof paths)[number], number> = {
    direct: 0,
    routing: 0,
    generation: 0,
  }
  const measure = (path: (typeof paths)[number]) =>
    path === 'direct' ? direct() : throughGateway(path, client)
  for (let i = 0; i < RUNS; i += 1) {
    // Rotating the order keeps "runs right after another path" from favouring one of them.
    const order = [...paths.slice(i % 3), ...paths.slice(0, i % 3)]
    for (const path of order) {
      // Each sample starts on an idle process, as a user's request would, not inside the
      // teardown of the previous one (same pause for every path).
      await sleep(SETTLE_MS)
      const before = connects
      samples[path].push(await measure(path))
      connections[path] += connects - before
    }
  }
  const directTtft = percentile(
    samples.direct.map((s) => s.ttftMs),
    50,
  )
  const directRate = percentile(
    samples.direct.map((s) => s.chunksPerSecond),
    50,
  )
  for (const path of paths) {
    const list = samples[path]
    const ttft50 = percentile(
      list.map((s) => s.ttftMs),
      50,
    )
    const rate50 = percentile(
      list.map((s) => s.chunksPerSecond),
      50,
    )
    rows.push({
      scenario: scenario.name,
      path,
      runs: list.length,
      chunks: list[0]?.chunks ?? 0,
      ttftP50Ms: round(ttft50),
      ttftP95Ms: round(
        percentile(
          list.map((s) => s.ttftMs),
          95,
        ),
      ),
      addedTtftP50Ms: round(ttft50 - directTtft),
      chunksPerSecondP50: round(rate50, 0),
      throughputVsDirect: round(rate50 / directRate, 3),
      newConnectionsPerStream: round(connections[path] / list.length, 2),
    })
  }
}
const accessLogLines = gateway.logLines()
await gateway.close()

console.table(rows)
console.log(`access-log lines formatted by the gateway: ${accessLogLines}`)
const routingPaced = rows.find((r) => r.scenario.startsWith('paced') && r.path === 'routing')
const generationPaced = rows.find((r) => r.scenario.startsWith('paced') && r.path === 'generation')
const targets = {
  addedTtftP50MsAtMost: 2,
  throughputVsDirectAtLeast: 0.9,
  routingMeets:
    (routingPaced?.addedTtftP50Ms ?? Infinity) <= 2 &&
    (routingPaced?.throughputVsDirect ?? 0) >= 0.9,
  generationMeets:
    (generationPaced?.addedTtftP50Ms ?? Infinity) <= 2 &&
    (generationPaced?.throughputVsDirect ?? 0) >= 0.9,
}
console.log('targets (paced scenario):', targets)
mkdirSync(new URL('../results/', import.meta.url), { recursive: true })
writeFileSync(
  new URL('../results/gateway-overhead.json', import.meta.url),
  `${JSON.stringify(
    {
      benchmark: 'gateway-overhead',
      command: 'pnpm --filter @tokenflow/bench bench:gateway',
      date: new Date().toISOString(),
      node: process.version,
      cpus: (await import('node:os')).cpus().length,
      loadAverage1m: {
        atStart: loadAtStart,
        atEnd: round((await import('node:os')).loadavg()[0] ?? 0),
      },
      setup:
        'createApp with auth, rate limiter, CORS, body limit, request id, access log at info (lines discarded) and metrics; services from createServices; client, gateway and fake in one Node process',
      rows,
      targets,
    },
    null,
    2,
  )}\n`,
)
