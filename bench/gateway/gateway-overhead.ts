// Gateway overhead: the same fake stream read directly (openai SDK → fake) and through the
// gateway (tRPC client over SSE → routing.stream / generation.stream → SDK → fake), interleaved
// in one run. Classification and compression are off: one candidate category, compress 'off'.
import { mkdirSync, writeFileSync } from 'node:fs'
import { createTokenFlowClient, type TokenFlowClient } from '@tokenflow/client'
import OpenAI from 'openai'
import { percentile, round, startGateway } from './start-gateway'

const RUNS = Number(process.env.BENCH_RUNS ?? 40)
const CHUNKS = 200
const MODEL = 'llama-3.3-70b-versatile'

type Sample = { ttftMs: number; chunksPerSecond: number; chunks: number }

const gateway = await startGateway()
const openai = new OpenAI({ apiKey: 'bench', baseURL: gateway.fake.url, maxRetries: 0 })
const client = createTokenFlowClient({ url: gateway.url })
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
    const handlers = {
      onData: ({ data }: { data: { type: string } }) => {
        if (data.type === 'text') {
          last = performance.now()
          if (count === 0) first = last
          count += 1
        } else if (data.type === 'end' || data.type === 'error') {
          subscription.unsubscribe()
          if (data.type === 'error') reject(new Error(JSON.stringify(data)))
          else resolve(sample(started, first, last, count))
        }
      },
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
  const samples: Record<'direct' | 'routing' | 'generation', Sample[]> = {
    direct: [],
    routing: [],
    generation: [],
  }
  for (let i = 0; i < RUNS; i += 1) {
    samples.direct.push(await direct())
    samples.routing.push(await throughGateway('routing', client))
    samples.generation.push(await throughGateway('generation', client))
  }
  const directTtft = percentile(
    samples.direct.map((s) => s.ttftMs),
    50,
  )
  const directRate = percentile(
    samples.direct.map((s) => s.chunksPerSecond),
    50,
  )
  for (const path of ['direct', 'routing', 'generation'] as const) {
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
    })
  }
}
await gateway.close()

console.table(rows)
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
      rows,
      targets,
    },
    null,
    2,
  )}\n`,
)
