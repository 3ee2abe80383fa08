// Where the gateway's CPU goes on one hot path (BENCH_PATH: rest, trpc or v1; rest unless set):
// user and system (kernel) CPU time per short stream (20 chunks back to back), per long stream
// (200 chunks 2 ms apart) and per plain JSON request through the same middleware (GET /api/models:
// auth, rate limiter, access log, metrics), read from /proc around blocks of each, interleaved
// over BENCH_REPS repetitions after a warm-up. The fake provider and the gateway run in processes
// of their own, as in the hot-path bench.
// BENCH_CPU_PROF=<dir> runs the gateway under `node --cpu-prof` and leaves its profile there.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { printTable, writeResults } from '../load/load-table'
import { startFakeProviderProcess, startGatewayProcess } from '../load/processes'
import { cpuTimes } from './process-stats'
import { BENCH_API_KEY, productionGatewayEnv } from './production-gateway-env'
import { type StreamCall, streamOnce } from './sse-request'

const REPS = Number(process.env.BENCH_REPS ?? 3)
const PROFILE_DIR = process.env.BENCH_CPU_PROF
const PATH = process.env.BENCH_PATH ?? 'rest'
const CONCURRENCY = 8

const words = (count: number) =>
  Array.from({ length: count }, (_, i) => (i === 0 ? 'Tok0' : ` tok${i}`))
const streams = {
  short: { model: 'llama-3.1-8b-instant', chunks: words(20), delayMs: 0, count: 1_500 },
  long: { model: 'llama-3.3-70b-versatile', chunks: words(200), delayMs: 2, count: 120 },
}
const JSON_REQUESTS = 5_000

const scriptFile = join(mkdtempSync(join(tmpdir(), 'tf-bench-')), 'scripts.json')
writeFileSync(
  scriptFile,
  JSON.stringify(
    Object.fromEntries(
      Object.values(streams).map((s) => [
        s.model,
        { kind: 'stream', chunks: s.chunks, delayMs: s.delayMs },
      ]),
    ),
  ),
)
const fake = await startFakeProviderProcess({
  FAKE_PROVIDER_SCRIPTS: scriptFile,
  FAKE_PROVIDER_RECORD: 'false',
})
const gateway = await startGatewayProcess(
  await productionGatewayEnv(fake.apiUrl),
  undefined,
  PROFILE_DIR ? ['--cpu-prof', '--cpu-prof-dir', resolve(PROFILE_DIR)] : [],
)
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY })
const auth = { authorization: `Bearer ${BENCH_API_KEY}` }

const prompt = 'Say something for the benchmark.'
/** A stream's request on each path; BENCH_PATH picks one (REST unless set). */
const paths: Record<string, (model: string) => StreamCall> = {
  rest: (model) => ({
    method: 'POST',
    url: `${gateway.url}/api/generate`,
    headers: { 'content-type': 'application/json', ...auth },
    body: JSON.stringify({ prompt, model: `groq/${model}` }),
    firstToken: 'Tok0',
    complete: 'end_stream',
  }),
  trpc: (model) => ({
    method: 'GET',
    url: `${gateway.url}/trpc/generation.stream?input=${encodeURIComponent(
      JSON.stringify({ prompt, model: `groq/${model}` }),
    )}`,
    headers: { ...auth, accept: 'text/event-stream' },
    firstToken: 'Tok0',
    complete: '"type":"end"',
  }),
  v1: (model) => ({
    method: 'POST',
    url: `${gateway.url}/v1/chat/completions`,
    headers: { 'content-type': 'application/json', ...auth },
    body: JSON.stringify({
      model: `groq/${model}`,
      stream: true,
      messages: [{ role: 'user', content: prompt }],
    }),
    firstToken: 'Tok0',
    complete: '[DONE]',
  }),
}
const streamCall = paths[PATH]
if (!streamCall) throw new Error(`BENCH_PATH is one of ${Object.keys(paths).join(', ')}`)

const getJson = (url: string) =>
  new Promise<boolean>((done) => {
    const req = request(url, { headers: auth, agent }, (res) => {
      res.resume()
      res.on('end', () => done(res.statusCode === 200))
    })
    req.on('error', () => done(false))
    req.end()
  })

/** Runs `count` calls, `CONCURRENCY` at a time; answers how many failed. */
const runMany = async (count: number, call: () => Promise<boolean>) => {
  let next = 0
  let failed = 0
  const worker = async () => {
    while (next < count) {
      next += 1
      if (!(await call())) failed += 1
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))
  return failed
}

// Per chunk: a stream's CPU over its chunk count (its share of the per-request cost included).
type Workload = { name: string; count: number; chunks: number; call: () => Promise<boolean> }
const workloads: Workload[] = [
  ...Object.entries(streams).map(([name, s]) => ({
    name: `${name} stream (${s.chunks.length} chunks)`,
    count: s.count,
    chunks: s.chunks.length,
    call: async () => (await streamOnce(agent, streamCall(s.model))).ok,
  })),
  {
    name: 'GET /api/models',
    count: JSON_REQUESTS,
    chunks: 0,
    call: () => getJson(`${gateway.url}/api/models`),
  },
]

// Warm-up: V8 optimizes the hot path before anything is counted.
for (const w of workloads) await runMany(Math.ceil(w.count / 2), w.call)

const rows: Record<string, number | string>[] = []
for (let rep = 1; rep <= REPS; rep += 1) {
  for (const w of workloads) {
    const before = cpuTimes(gateway.pid)
    const failed = await runMany(w.count, w.call)
    const after = cpuTimes(gateway.pid)
    const perRequest = (seconds: number) => (seconds * 1000) / w.count
    const userMs = perRequest(after.user - before.user)
    const systemMs = perRequest(after.system - before.system)
    rows.push({
      rep,
      workload: w.name,
      requests: w.count,
      failed,
      userMsPerRequest: Number(userMs.toFixed(3)),
      systemMsPerRequest: Number(systemMs.toFixed(3)),
      userUsPerChunk: w.chunks ? Number(((userMs * 1000) / w.chunks).toFixed(1)) : '',
      systemUsPerChunk: w.chunks ? Number(((systemMs * 1000) / w.chunks).toFixed(1)) : '',
    })
  }
}

agent.destroy()
await gateway.stop()
await fake.stop()
printTable(rows)
// A profiled run's numbers carry the profiler's own cost: they do not replace the results file.
if (PROFILE_DIR) console.log(`CPU profile of the gateway in ${resolve(PROFILE_DIR)}`)
else {
  writeResults('gateway-cpu-split', 'pnpm --filter @tokenflow/bench bench:cpu-split', {
    path: PATH,
    concurrency: CONCURRENCY,
    rows,
  })
}
