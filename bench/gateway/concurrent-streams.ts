// 500 routing streams open at once through the gateway on this machine: every one must end with
// `end` and the full text; memory per open stream is the RSS and heap growth while all are open
// divided by their number (client, server and fake share this process: an upper bound).
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { createTokenFlowClient } from '@tokenflow/client'
import { percentile, round, startGateway } from './start-gateway'

const STREAMS = Number(process.env.BENCH_STREAMS ?? 500)
const CHUNKS = 50
const DELAY_MS = 40 // ~2 s per stream, so all of them are open at the same time
const MODEL = 'llama-3.3-70b-versatile'

const gateway = await startGateway()
const chunks = Array.from({ length: CHUNKS }, (_, i) => ` t${i}`)
const expected = chunks.join('')
gateway.fake.script(MODEL, { kind: 'stream', chunks, delayMs: DELAY_MS })
const client = createTokenFlowClient({ url: gateway.url, apiKey: gateway.apiKey })
const input = {
  prompt: 'concurrency',
  possibleCategories: ['text-to-text'],
  strategy: 'quality' as const,
  compress: 'off' as const,
}

type Result = { ok: boolean; ttftMs: number; totalMs: number; detail?: string }

const one = () =>
  new Promise<Result>((resolve) => {
    const started = performance.now()
    let ttft = 0
    let text = ''
    const subscription = client.routing.stream.subscribe(input, {
      onData: ({ data }) => {
        if (data.type === 'text') {
          if (!ttft) ttft = performance.now() - started
          text += data.delta
        } else if (data.type === 'end' || data.type === 'error') {
          subscription.unsubscribe()
          const ok = data.type === 'end' && text === expected
          resolve({
            ok,
            ttftMs: ttft,
            totalMs: performance.now() - started,
            detail: ok ? undefined : JSON.stringify(data),
          })
        }
      },
      onError: (error) => {
        subscription.unsubscribe()
        resolve({
          ok: false,
          ttftMs: ttft,
          totalMs: performance.now() - started,
          detail: String(error),
        })
      },
    })
  })

// Warm-up, then a baseline with nothing open.
await Promise.all(Array.from({ length: 10 }, one))
globalThis.gc?.()
const base = process.memoryUsage()

const started = performance.now()
const pending = Array.from({ length: STREAMS }, one)
// Sample memory while the streams are open (they run for ~2 s).
let peakRss = base.rss
let peakHeap = base.heapUsed
const sampler = setInterval(() => {
  const now = process.memoryUsage()
  peakRss = Math.max(peakRss, now.rss)
  peakHeap = Math.max(peakHeap, now.heapUsed)
}, 50)
const results = await Promise.all(pending)
clearInterval(sampler)
const wallMs = performance.now() - started
await gateway.close()

const failed = results.filter((r) => !r.ok)
const row = {
  streams: STREAMS,
  chunksPerStream: CHUNKS,
  errors: failed.length,
  wallMs: round(wallMs, 0),
  ttftP50Ms: round(
    percentile(
      results.map((r) => r.ttftMs),
      50,
    ),
  ),
  ttftP95Ms: round(
    percentile(
      results.map((r) => r.ttftMs),
      95,
    ),
  ),
  totalP50Ms: round(
    percentile(
      results.map((r) => r.totalMs),
      50,
    ),
    0,
  ),
  totalP99Ms: round(
    percentile(
      results.map((r) => r.totalMs),
      99,
    ),
    0,
  ),
  rssPerStreamKiB: round((peakRss - base.rss) / STREAMS / 1024, 1),
  heapPerStreamKiB: round((peakHeap - base.heapUsed) / STREAMS / 1024, 1),
}
console.table([row])
if (failed.length > 0) console.log('first failures:', failed.slice(0, 3))
mkdirSync(new URL('../results/', import.meta.url), { recursive: true })
writeFileSync(
  new URL('../results/gateway-concurrency.json', import.meta.url),
  `${JSON.stringify(
    {
      benchmark: 'gateway-concurrency',
      command: 'pnpm --filter @tokenflow/bench bench:gateway',
      date: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      note: 'client, server and fake provider in one process: memory per stream is an upper bound',
      row,
    },
    null,
    2,
  )}\n`,
)
process.exit(failed.length > 0 ? 1 : 0)
