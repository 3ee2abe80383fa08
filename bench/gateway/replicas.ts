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
import { Agent } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '../../apps/server/test/free-port'
import { startRedisServer } from '../../apps/server/test/redis-server'
import { startHaproxy } from '../../deploy/src/start-haproxy'
import { printTable, writeResults } from '../load/load-table'
import { type Proc, startFakeProviderProcess, startGatewayProcess } from '../load/processes'
import { cpuSeconds } from './process-stats'
import { type StreamCall, streamOnce } from './sse-request'
import { percentile, round } from './start-gateway'

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
const rotate = <T>(items: T[], by: number) =>
  items.map((_, i) => items[(i + by) % items.length] as T)
const newAgent = () => new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY })

const scriptDir = mkdtempSync(join(tmpdir(), 'tf-bench-replicas-'))
const scriptFile = join(scriptDir, 'scripts.json')
const chunks = Array.from({ length: 20 }, (_, i) => (i === 0 ? 'Tok0' : ` tok${i}`))
writeFileSync(scriptFile, JSON.stringify({ [MODEL]: { kind: 'stream', chunks, delayMs: 0 } }))

const fake = await startFakeProviderProcess({
  FAKE_PROVIDER_SCRIPTS: scriptFile,
  FAKE_PROVIDER_RECORD: 'false',
})
const redis = await startRedisServer()
const redisPid = redis.pid
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
const auth = { authorization: `Bearer ${API_KEY}` }
const body = JSON.stringify({ prompt, model: `groq/${MODEL}` })
const rest = (url: string): StreamCall => ({
  method: 'POST',
  url: `${url}/api/generate`,
  headers: { 'content-type': 'application/json', ...auth },
  body,
  firstToken: 'Tok0',
  complete: 'end_stream',
})
const trpc = (url: string): StreamCall => ({
  method: 'GET',
  url: `${url}/trpc/generation.stream?input=${encodeURIComponent(body)}`,
  headers: { ...auth, accept: 'text/event-stream' },
  firstToken: 'Tok0',
  complete: '"type":"end"',
})
const direct: StreamCall = {
  method: 'POST',
  url: `${fake.apiUrl}/chat/completions`,
  headers: { 'content-type': 'application/json', authorization: `Bearer ${UPSTREAM_KEY}` },
  body: JSON.stringify({
    model: MODEL,
    stream: true,
    messages: [{ role: 'user', content: prompt }],
  }),
  firstToken: 'Tok0',
  complete: '[DONE]',
}

/** Runs `count` streams of `call` with `concurrency` in flight; the number that succeeded. */
const runMany = async (agent: Agent, call: StreamCall, count: number, concurrency: number) => {
  let next = 0
  let ok = 0
  const worker = async () => {
    while (next < count) {
      next += 1
      if ((await streamOnce(agent, call)).ok) ok += 1
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return ok
}

const cpuOf = (pids: number[]) => pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0)

// --- 1. Redis on the hot path ------------------------------------------------------------------

type HotTarget = { name: string; pid: number | null; call: StreamCall }

const redisCost = async (rep: number, plain: Proc, shared: Proc) => {
  const targets: HotTarget[] = [
    { name: 'direct', pid: null, call: direct },
    { name: 'REST, in process', pid: plain.pid, call: rest(plain.url) },
    { name: 'REST, Redis', pid: shared.pid, call: rest(shared.url) },
    { name: 'tRPC, in process', pid: plain.pid, call: trpc(plain.url) },
    { name: 'tRPC, Redis', pid: shared.pid, call: trpc(shared.url) },
  ]
  const agents = new Map(targets.map((t) => [t.name, newAgent()]))
  const samples = new Map<string, number[]>(targets.map((t) => [t.name, []]))
  const errors = new Map<string, number>(targets.map((t) => [t.name, 0]))
  for (const t of targets) await runMany(agents.get(t.name) as Agent, t.call, 5, 1)
  for (let i = 0; i < TTFT_ROUNDS; i += 1) {
    for (const t of rotate(targets, i + rep)) {
      await sleep(2)
      const result = await streamOnce(agents.get(t.name) as Agent, t.call)
      if (result.ok) samples.get(t.name)?.push(result.ttftMs)
      else errors.set(t.name, (errors.get(t.name) ?? 0) + 1)
    }
  }
  const cpu = new Map<string, { gatewayMs: number; redisMs: number }>()
  for (const t of rotate(targets, rep)) {
    if (t.pid === null) continue
    const before = cpuSeconds(t.pid)
    const redisBefore = cpuSeconds(redisPid)
    const ok = await runMany(agents.get(t.name) as Agent, t.call, CPU_STREAMS, 8)
    cpu.set(t.name, {
      gatewayMs: ((cpuSeconds(t.pid) - before) * 1000) / Math.max(ok, 1),
      redisMs: ((cpuSeconds(redisPid) - redisBefore) * 1000) / Math.max(ok, 1),
    })
  }
  for (const agent of agents.values()) agent.destroy()
  const directP50 = percentile(samples.get('direct') ?? [], 50)
  const directP99 = percentile(samples.get('direct') ?? [], 99)
  return targets.map((t) => {
    const p50 = percentile(samples.get(t.name) ?? [], 50)
    const p99 = percentile(samples.get(t.name) ?? [], 99)
    return {
      path: t.name,
      ttftP50Ms: round(p50, 2),
      ttftP99Ms: round(p99, 2),
      addedP50Ms: t.pid === null ? 0 : round(p50 - directP50, 2),
      addedP99Ms: t.pid === null ? 0 : round(p99 - directP99, 2),
      errors: errors.get(t.name) ?? 0,
      gatewayCpuPerStreamMs: round(cpu.get(t.name)?.gatewayMs ?? 0, 3),
      redisCpuPerStreamMs: round(cpu.get(t.name)?.redisMs ?? 0, 3),
    }
  })
}

// --- 2. Scaling over replicas ------------------------------------------------------------------

type Front = { replicas: number; proxy: Proc; pids: number[] }

const scaling = async (rep: number, fronts: Front[]) => {
  const rows = []
  for (const front of rotate(fronts, rep)) {
    const agent = newAgent()
    const call = rest(front.proxy.url)
    await runMany(agent, call, 20, 4)
    const pids = [...front.pids]
    const gatewayBefore = cpuOf(pids)
    const proxyBefore = cpuSeconds(front.proxy.pid)
    const redisBefore = cpuSeconds(redisPid)
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
      redisCpuPerStreamMs: per(cpuSeconds(redisPid) - redisBefore),
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
