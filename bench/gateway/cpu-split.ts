// Where the gateway's CPU goes on one hot path (BENCH_PATH: rest, trpc or v1; rest unless set):
// user and system (kernel) CPU time per short stream (20 chunks back to back), per long stream
// (200 chunks 2 ms apart) and per plain JSON request through the same middleware (GET /api/models:
// auth, rate limiter, access log, metrics), read from /proc around blocks of each, interleaved
// over BENCH_REPS repetitions after a warm-up. The fake provider and the gateway run in processes
// of their own, as in the hot-path bench.
// BENCH_CPU_PROF=<dir> runs the gateway under `node --cpu-prof` and leaves its profile there.
import { Agent, request } from 'node:http'
import { resolve } from 'node:path'
import { printTable, writeResults } from '../load/load-table'
import { startGatewayProcess } from '../load/processes'
import {
  BENCH_API_KEY,
  productionGatewayEnv,
  startWorkloadFake,
  type TokenFlowPath,
  tokenflowStreamCall,
  workloads,
} from './hot-path-setup'
import { cpuTimes } from './process-stats'
import { streamOnce } from './sse-request'

const REPS = Number(process.env.BENCH_REPS ?? 3)
const PROFILE_DIR = process.env.BENCH_CPU_PROF
const CONCURRENCY = 8
const STREAMS = { short: 1_500, long: 120 }
const JSON_REQUESTS = 5_000

const pathNames: Record<string, TokenFlowPath> = { rest: 'REST', trpc: 'tRPC', v1: '/v1' }
const PATH = process.env.BENCH_PATH ?? 'rest'
const path = pathNames[PATH]
if (!path) throw new Error(`BENCH_PATH is one of ${Object.keys(pathNames).join(', ')}`)

const fake = await startWorkloadFake()
const gateway = await startGatewayProcess(
  await productionGatewayEnv(fake.apiUrl),
  undefined,
  PROFILE_DIR ? ['--cpu-prof', '--cpu-prof-dir', resolve(PROFILE_DIR)] : [],
)
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY })

const getJson = (url: string) =>
  new Promise<boolean>((done) => {
    const req = request(
      url,
      { headers: { authorization: `Bearer ${BENCH_API_KEY}` }, agent },
      (res) => {
        res.resume()
        res.on('end', () => done(res.statusCode === 200))
      },
    )
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
const measured: Workload[] = [
  ...(['short', 'long'] as const).map((name) => {
    const call = tokenflowStreamCall(path, gateway.url, workloads[name])
    return {
      name: `${name} stream (${workloads[name].chunks.length} chunks)`,
      count: STREAMS[name],
      chunks: workloads[name].chunks.length,
      call: async () => (await streamOnce(agent, call)).ok,
    }
  }),
  {
    name: 'GET /api/models',
    count: JSON_REQUESTS,
    chunks: 0,
    call: () => getJson(`${gateway.url}/api/models`),
  },
]

// Warm-up: V8 optimizes the hot path before anything is counted.
for (const w of measured) await runMany(Math.ceil(w.count / 2), w.call)

const rows: Record<string, number | string>[] = []
for (let rep = 1; rep <= REPS; rep += 1) {
  for (const w of measured) {
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
