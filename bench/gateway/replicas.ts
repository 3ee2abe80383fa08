// Gateway replicas behind HAProxy, and what Redis costs on the hot path. The fake provider is the
// upstream (20 chunks back to back), every process on the same 2 cores as the load generator, so
// throughput is CPU-bound: CPU per request is printed beside it to show where the time goes.
//
// 1. Redis on the hot path: one gateway without REDIS_URL and one with it (rate limits, stream
//    events and their marks in Redis), and the direct path, at concurrency 1, interleaved
//    round-robin: time to first token on REST and tRPC, the added time, and CPU per stream of the
//    gateway and of redis-server.
// 2. Scaling: three gateway replicas on one Redis, and three HAProxy fronts over the first 1, 2
//    and 3 of them; per repetition each front in turn (rotated) takes `CLIENTS` looping clients
//    for a few seconds: short streams per second, errors, and the CPU the replicas, HAProxy and
//    Redis spent per stream.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '../../apps/server/test/free-port'
import { startRedisServer } from '../../apps/server/test/redis-server'
import { startHaproxy } from '../../deploy/src/start-haproxy'
import { printTable, writeResults } from '../load/load-table'
import { type Proc, startFakeProviderProcess, startGatewayProcess } from '../load/processes'
import { benchCalls, firstTokenAb, newAgent, rotate, runMany } from './first-token-ab'
import { cpuSeconds } from './process-stats'
import { streamOnce } from './sse-request'
import { round } from './start-gateway'

const REPS = Number(process.env.BENCH_REPS ?? 2)
const TTFT_ROUNDS = Number(process.env.BENCH_TTFT_ROUNDS ?? 150)
const CPU_STREAMS = 300
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 64)
const LOOP_SECONDS = Number(process.env.BENCH_LOOP_SECONDS ?? 5)
const API_KEY = 'tf-bench-key'
const UPSTREAM_KEY = 'gsk-bench-key'
const MODEL = 'llama-3.1-8b-instant'
const prompt = 'Say something for the benchmark.'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const scriptDir = mkdtempSync(join(tmpdir(), 'tf-bench-replicas-'))
const scriptFile = join(scriptDir, 'scripts.json')
const chunks = Array.from({ length: 20 }, (_, i) => (i === 0 ? 'Tok0' : ` tok${i}`))
writeFileSync(scriptFile, JSON.stringify({ [MODEL]: { kind: 'stream', chunks, delayMs: 0 } }))

const fake = await startFakeProviderProcess({
  FAKE_PROVIDER_SCRIPTS: scriptFile,
  FAKE_PROVIDER_RECORD: 'false',
})
const redis = await startRedisServer()
// The production configuration, as in the hot-path bench: auth on, the rate limiter counting
// every request (a limit the run never reaches), access logs at `info` into a pipe.
const startReplica = async (name: string, shared: boolean) =>
  startGatewayProcess({
    GROQ_API_KEY: UPSTREAM_KEY,
    GROQ_BASE_URL: fake.apiUrl,
    ML_SERVICE_URL: `http://127.0.0.1:${await freePort()}`,
    TOKENFLOW_API_KEYS: API_KEY,
    RATE_LIMIT_PER_MINUTE: '100000000',
    LOG_LEVEL: 'info',
    REPLICA_ID: name,
    TRUST_PROXY: '1',
    ...(shared ? { REDIS_URL: redis.url } : {}),
  })

const started: Array<{ stop(): Promise<void> }> = [fake, { stop: () => redis.stop() }]
const calls = benchCalls({ apiKey: API_KEY, upstreamKey: UPSTREAM_KEY, model: MODEL, prompt })
const cpuOf = (pids: number[]) => pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0)

// --- 1. Redis on the hot path ------------------------------------------------------------------

const redisCost = (rep: number, plain: Proc, shared: Proc) =>
  firstTokenAb({
    targets: [
      { name: 'direct', pid: null, call: calls.direct(fake.apiUrl) },
      { name: 'REST, in process', pid: plain.pid, call: calls.rest(plain.url) },
      { name: 'REST, Redis', pid: shared.pid, call: calls.rest(shared.url) },
      { name: 'tRPC, in process', pid: plain.pid, call: calls.trpc(plain.url) },
      { name: 'tRPC, Redis', pid: shared.pid, call: calls.trpc(shared.url) },
    ],
    rounds: TTFT_ROUNDS,
    rep,
    cpuStreams: CPU_STREAMS,
    sidecar: { name: 'redis', pid: redis.pid },
  })

// --- 2. Scaling over replicas ------------------------------------------------------------------

type Front = { replicas: number; proxy: Proc; pids: number[] }

const scaling = async (rep: number, fronts: Front[]) => {
  const rows = []
  for (const front of rotate(fronts, rep)) {
    const agent = newAgent()
    const call = calls.rest(front.proxy.url)
    await runMany(agent, call, 20, 4)
    const pids = [...front.pids]
    const gatewayBefore = cpuOf(pids)
    const proxyBefore = cpuSeconds(front.proxy.pid)
    const redisBefore = cpuSeconds(redis.pid)
    let completed = 0
    let failed = 0
    const startedAt = performance.now()
    const until = startedAt + LOOP_SECONDS * 1000
    const worker = async () => {
      while (performance.now() < until) {
        if ((await streamOnce(agent, call)).ok) completed += 1
        else failed += 1
      }
    }
    await Promise.all(Array.from({ length: CLIENTS }, worker))
    const seconds = (performance.now() - startedAt) / 1000
    agent.destroy()
    const per = (cpu: number) => round((cpu * 1000) / Math.max(completed, 1), 3)
    rows.push({
      replicas: front.replicas,
      streamsPerSecond: round(completed / seconds, 0),
      errors: failed,
      gatewayCpuPerStreamMs: per(cpuOf(pids) - gatewayBefore),
      haproxyCpuPerStreamMs: per(cpuSeconds(front.proxy.pid) - proxyBefore),
      redisCpuPerStreamMs: per(cpuSeconds(redis.pid) - redisBefore),
    })
    await sleep(1_000)
  }
  return rows.sort((a, b) => a.replicas - b.replicas)
}

// --- run ---------------------------------------------------------------------------------------

const repetitions: Array<{ redis: unknown[]; scaling: unknown[] }> = []
try {
  const plain = await startReplica('plain', false)
  started.push(plain)
  const shared = await startReplica('shared', true)
  started.push(shared)
  const replicas: Proc[] = []
  for (const name of ['replica-1', 'replica-2', 'replica-3']) {
    const replica = await startReplica(name, true)
    started.push(replica)
    replicas.push(replica)
  }
  const fronts: Front[] = []
  for (const count of [1, 2, 3]) {
    const members = replicas.slice(0, count)
    const proxy = await startHaproxy({
      host: '127.0.0.1',
      port: await freePort(),
      servers: members.map((member, i) => ({
        name: `replica-${i + 1}`,
        host: '127.0.0.1',
        port: Number(new URL(member.url).port),
      })),
    })
    started.push(proxy)
    fronts.push({ replicas: count, proxy, pids: members.map((member) => member.pid) })
  }
  console.log(`${REPS} repetitions; ${CLIENTS} clients for ${LOOP_SECONDS} s per front`)
  for (let rep = 0; rep < REPS; rep += 1) {
    const cost = await redisCost(rep, plain, shared)
    const scaled = await scaling(rep, fronts)
    repetitions.push({ redis: cost, scaling: scaled })
    console.log(`\nrepetition ${rep + 1}: Redis on the hot path (concurrency 1)`)
    printTable(cost)
    console.log(`\nrepetition ${rep + 1}: replicas behind HAProxy (REST short streams)`)
    printTable(scaled)
  }
} finally {
  await Promise.allSettled(started.reverse().map((part) => part.stop()))
}

writeResults('gateway-replicas', 'pnpm --filter @tokenflow/bench bench:replicas', {
  upstream: { chunks: chunks.length, delayMs: 0 },
  clients: CLIENTS,
  loopSeconds: LOOP_SECONDS,
  repetitions,
})
