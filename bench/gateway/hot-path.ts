// The gateway's hot path as a user's HTTP client sees it: the fake provider as the upstream, read
// directly (the baseline) and through TokenFlow's REST, tRPC and OpenAI-compatible paths (a
// gateway process per path) with the fake in a process of its own, on the same cores, interleaved
// in one run. With BENCH_BASELINE set, the same three paths of another checkout run beside them
// (an A/B). Two peer gateways, Portkey and the LiteLLM proxy, read the same fake through their own
// /v1 (BENCH_PEERS=0 leaves them out, and one that cannot be installed or started is skipped).
//
// Workloads: `short` is 20 chunks back to back, `long` is 200 chunks 2 ms apart. After a warm-up
// (BENCH_WARMUP short streams and a twentieth as many long ones per target), per repetition:
// 1. time to first token at concurrency 1 (short streams, one request per path in turn);
// 2. gateway CPU per short and per long stream: CPU seconds (from /proc) over a block of each per
//    path, less the process's idle CPU, and the per-request/per-chunk line through the two;
// 3. short streams per second with 200 clients looping for a few seconds;
// 4. the first burst: 200 long streams opened at once on new connections, time to first token;
// 5. resident memory after the load.
import { Agent } from 'node:http'
import { printTable, writeResults } from '../load/load-table'
import { type Proc, startGatewayProcess } from '../load/processes'
import {
  BENCH_UPSTREAM_KEY,
  openAiStreamCall,
  productionGatewayEnv,
  startWorkloadFake,
  type TokenFlowPath,
  tokenflowPaths,
  tokenflowStreamCall,
  type Workload,
  type WorkloadName,
  workloads,
} from './hot-path-setup'
import type { Peer } from './peers/optional-peer'
import { startLiteLLM } from './peers/start-litellm'
import { startPortkey } from './peers/start-portkey'
import { cpuSeconds, rssMiB } from './process-stats'
import { type StreamCall, streamOnce } from './sse-request'
import { percentile, round } from './start-gateway'

const REPS = Number(process.env.BENCH_REPS ?? 2)
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1_500)
const WARMUP_MAX_MS = 15_000
const TTFT_ROUNDS = Number(process.env.BENCH_TTFT_ROUNDS ?? 100)
const CPU_SHORT = 400
const CPU_LONG = 64
const CPU_CONCURRENCY = 8
const BURST = 200
const LOOP_SECONDS = 4
// Another checkout (e.g. `git worktree add /tmp/tf-base <commit>` plus `pnpm install`) to run
// beside this one: the A/B of a change, interleaved like every other path.
const BASELINE = process.env.BENCH_BASELINE
const PEERS = process.env.BENCH_PEERS !== '0'

type Target = {
  name: string
  /** The gateway's process; null for the direct path. */
  pid: number | null
  call(workload: WorkloadName): StreamCall
}

/** A target's request for each workload, built once. */
const callsOf = (build: (w: Workload) => StreamCall): Target['call'] => {
  const calls = {} as Record<WorkloadName, StreamCall>
  for (const name of Object.keys(workloads) as WorkloadName[]) calls[name] = build(workloads[name])
  return (name) => calls[name]
}

// --- processes -------------------------------------------------------------------------------

const fake = await startWorkloadFake()
const startTokenFlow = async (root?: string) =>
  startGatewayProcess(await productionGatewayEnv(fake.apiUrl), root)
// One gateway process per path, as each peer has its own: a path's CPU and its resident memory
// after the load are its own, not the sum of three paths' loads in one process.
const startTokenFlowPaths = async (root?: string) => {
  const gateways = {} as Record<TokenFlowPath, Proc>
  for (const path of tokenflowPaths) gateways[path] = await startTokenFlow(root)
  return gateways
}
const tokenflow = await startTokenFlowPaths()
const baseline = BASELINE ? await startTokenFlowPaths(BASELINE) : null
const upstreamAuth = { authorization: `Bearer ${BENCH_UPSTREAM_KEY}` }
const portkey = PEERS ? await startPortkey() : null
const litellm = PEERS
  ? await startLiteLLM({
      apiBase: fake.apiUrl,
      apiKey: BENCH_UPSTREAM_KEY,
      models: Object.values(workloads).map((w) => w.model),
    })
  : null
const tokenflowTargets = (gateways: Record<TokenFlowPath, Proc>, suffix: string): Target[] =>
  tokenflowPaths.map((path) => ({
    name: `TokenFlow ${path}${suffix}`,
    pid: gateways[path].pid,
    call: callsOf((w) => tokenflowStreamCall(path, gateways[path].url, w)),
  }))

const direct: Target = {
  name: 'direct',
  pid: null,
  call: callsOf((w) => openAiStreamCall(fake.apiUrl, upstreamAuth, w.model)),
}
const peerTarget = (peer: Peer, headers: Record<string, string>): Target => ({
  name: peer.name,
  pid: peer.pid,
  call: callsOf((w) => openAiStreamCall(`${peer.url}/v1`, headers, w.model)),
})
const targets: Target[] = [
  direct,
  ...tokenflowTargets(tokenflow, ''),
  ...(baseline ? tokenflowTargets(baseline, ' (base)') : []),
  // Portkey is told the upstream on every request; LiteLLM has it in its config.
  ...(portkey
    ? [
        peerTarget(portkey, {
          ...upstreamAuth,
          'x-portkey-provider': 'openai',
          'x-portkey-custom-host': fake.apiUrl,
        }),
      ]
    : []),
  ...(litellm ? [peerTarget(litellm, {})] : []),
]
const gateways = targets.filter((t) => t.pid !== null)

// --- measurements ----------------------------------------------------------------------------

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const rotate = <T>(items: T[], by: number) =>
  items.map((_, i) => items[(i + by) % items.length] as T)
const newAgent = () => new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY })
const agents = new Map(targets.map((t) => [t.name, newAgent()]))
const agentOf = (t: Target) => agents.get(t.name) as Agent

type Row = Record<string, Record<string, number | string>>

/** Runs `count` streams with `concurrency` in flight, or as many as start before `until`. */
const runMany = async (
  t: Target,
  name: WorkloadName,
  count: number,
  concurrency: number,
  until = Number.POSITIVE_INFINITY,
) => {
  let next = 0
  const worker = async () => {
    while (next < count && performance.now() < until) {
      next += 1
      await streamOnce(agentOf(t), t.call(name))
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
}

const ttftAtConcurrencyOne = async (rep: number) => {
  const samples = new Map<string, number[]>(targets.map((t) => [t.name, []]))
  const errors = new Map<string, number>(targets.map((t) => [t.name, 0]))
  for (const t of targets) await runMany(t, 'short', 5, 1)
  for (let round = 0; round < TTFT_ROUNDS; round += 1) {
    for (const t of rotate(targets, round + rep)) {
      await sleep(2)
      const result = await streamOnce(agentOf(t), t.call('short'))
      if (result.ok) samples.get(t.name)?.push(result.ttftMs)
      else errors.set(t.name, (errors.get(t.name) ?? 0) + 1)
    }
  }
  return { samples, errors }
}

/** CPU seconds the gateway spent on `run`, less what it spends idle over the same time. */
const cpuOf = async (pid: number, idlePerSecond: number, run: () => Promise<unknown>) => {
  const cpu = cpuSeconds(pid)
  const started = performance.now()
  await run()
  const seconds = (performance.now() - started) / 1000
  return Math.max(0, cpuSeconds(pid) - cpu - idlePerSecond * seconds)
}

const idleCpuPerSecond = async () => {
  const before = new Map(gateways.map((t) => [t.name, cpuSeconds(t.pid as number)]))
  await sleep(2_000)
  return new Map(
    gateways.map((t) => [t.name, (cpuSeconds(t.pid as number) - (before.get(t.name) ?? 0)) / 2]),
  )
}

/**
 * CPU per stream of each workload, and the fit cpu = perRequest + perChunk * chunks through the
 * two points. Paced chunks each wake the gateway, so they cost more than back-to-back ones: the
 * fit is a summary, and with noise its per-request term can come out near zero or below.
 */
const cpuPerStream = async (rep: number) => {
  const idle = await idleCpuPerSecond()
  const out = new Map<
    string,
    { shortMs: number; longMs: number; perRequestMs: number; perChunkMs: number }
  >()
  for (const t of rotate(gateways, rep)) {
    const pid = t.pid as number
    const idleRate = idle.get(t.name) ?? 0
    const short = await cpuOf(pid, idleRate, () => runMany(t, 'short', CPU_SHORT, CPU_CONCURRENCY))
    const long = await cpuOf(pid, idleRate, () => runMany(t, 'long', CPU_LONG, CPU_CONCURRENCY))
    const shortMs = (short * 1000) / CPU_SHORT
    const longMs = (long * 1000) / CPU_LONG
    const perChunkMs =
      (longMs - shortMs) / (workloads.long.chunks.length - workloads.short.chunks.length)
    out.set(t.name, {
      shortMs,
      longMs,
      perChunkMs,
      perRequestMs: shortMs - perChunkMs * workloads.short.chunks.length,
    })
  }
  return out
}

const shortStreamsPerSecond = async (rep: number) => {
  const out = new Map<string, { perSecond: number; errors: number }>()
  for (const t of rotate(targets, rep)) {
    const agent = newAgent()
    let completed = 0
    let errors = 0
    const until = performance.now() + LOOP_SECONDS * 1000
    const started = performance.now()
    const worker = async () => {
      while (performance.now() < until) {
        const result = await streamOnce(agent, t.call('short'))
        if (result.ok) completed += 1
        else errors += 1
      }
    }
    await Promise.all(Array.from({ length: BURST }, worker))
    const seconds = (performance.now() - started) / 1000
    agent.destroy()
    out.set(t.name, { perSecond: completed / seconds, errors })
    await sleep(500)
  }
  return out
}

const firstBurst = async (rep: number) => {
  const out = new Map<string, { p50: number; p99: number; errors: number; reasons: string }>()
  for (const t of rotate(targets, rep)) {
    const agent = newAgent()
    const results = await Promise.all(
      Array.from({ length: BURST }, () => streamOnce(agent, t.call('long'))),
    )
    agent.destroy()
    const ttfts = results.flatMap((r) => (r.ok ? [r.ttftMs] : []))
    const reasons = new Map<string, number>()
    for (const r of results) if (!r.ok) reasons.set(r.error, (reasons.get(r.error) ?? 0) + 1)
    out.set(t.name, {
      p50: percentile(ttfts, 50),
      p99: percentile(ttfts, 99),
      errors: results.length - ttfts.length,
      reasons: [...reasons].map(([reason, count]) => `${count}x ${reason}`).join('; '),
    })
    await sleep(500)
  }
  return out
}

// --- run ---------------------------------------------------------------------------------------

/**
 * Each target serves WARMUP short and long streams before anything is measured: a gateway in
 * production has run its hot path long before, and the first thousand streams of a fresh process
 * run before its JIT has optimized it (a fresh TokenFlow spent 1.9 ms per short stream over its
 * first 1,500, 1.0-1.5 ms after; `cpu-split.ts`). A target that is slower than that is cut off
 * after WARMUP_MAX_MS.
 */
const warmUp = async () => {
  for (const t of targets) {
    const until = performance.now() + WARMUP_MAX_MS
    await runMany(t, 'short', WARMUP, CPU_CONCURRENCY, until)
    await runMany(t, 'long', WARMUP / 20, CPU_CONCURRENCY, until)
  }
}

console.log(`targets: ${targets.map((t) => t.name).join(', ')}; ${REPS} repetitions`)
const repetitions: Row[] = []
try {
  await warmUp()
  for (let rep = 0; rep < REPS; rep += 1) {
    const ttft = await ttftAtConcurrencyOne(rep)
    const cpu = await cpuPerStream(rep)
    const throughput = await shortStreamsPerSecond(rep)
    const burst = await firstBurst(rep)
    await sleep(1_000)
    const directP50 = percentile(ttft.samples.get(direct.name) ?? [], 50)
    const directP99 = percentile(ttft.samples.get(direct.name) ?? [], 99)
    const row: Row = {}
    for (const t of targets) {
      const samples = ttft.samples.get(t.name) ?? []
      const p50 = percentile(samples, 50)
      const p99 = percentile(samples, 99)
      const fit = cpu.get(t.name)
      row[t.name] = {
        ttftP50Ms: round(p50, 2),
        ttftP99Ms: round(p99, 2),
        addedP50Ms: t === direct ? 0 : round(p50 - directP50, 2),
        addedP99Ms: t === direct ? 0 : round(p99 - directP99, 2),
        ttftErrors: ttft.errors.get(t.name) ?? 0,
        cpuPerShortStreamMs: fit ? round(fit.shortMs, 3) : '',
        cpuPerLongStreamMs: fit ? round(fit.longMs, 2) : '',
        cpuPerRequestFitMs: fit ? round(fit.perRequestMs, 3) : '',
        cpuPerChunkFitMs: fit ? round(fit.perChunkMs, 4) : '',
        shortStreamsPerSecond: round(throughput.get(t.name)?.perSecond ?? 0, 0),
        shortStreamErrors: throughput.get(t.name)?.errors ?? 0,
        burstTtftP50Ms: round(burst.get(t.name)?.p50 ?? 0, 0),
        burstTtftP99Ms: round(burst.get(t.name)?.p99 ?? 0, 0),
        burstErrors: burst.get(t.name)?.errors ?? 0,
        burstErrorReasons: burst.get(t.name)?.reasons ?? '',
        rssMiB: t.pid === null ? '' : round(rssMiB(t.pid), 0),
      }
    }
    repetitions.push(row)
    console.log(`\nrepetition ${rep + 1}`)
    const measures = Object.keys(row[direct.name] ?? {})
    printTable(
      measures.map((measure) => ({
        measure,
        ...Object.fromEntries(targets.map((t) => [t.name, row[t.name]?.[measure] ?? ''])),
      })),
    )
  }
} finally {
  await Promise.all([
    ...Object.values(tokenflow).map((gateway) => gateway.stop()),
    ...Object.values(baseline ?? {}).map((gateway) => gateway.stop()),
    fake.stop(),
    portkey?.stop(),
    litellm?.stop(),
  ])
  for (const agent of agents.values()) agent.destroy()
}

// An A/B against another checkout goes to its own file, beside the run with the peers.
writeResults(
  BASELINE ? 'gateway-hot-path-ab' : 'gateway-hot-path',
  'pnpm --filter @tokenflow/bench bench:hot-path',
  {
    workloads: Object.fromEntries(
      Object.entries(workloads).map(([n, w]) => [
        n,
        { chunks: w.chunks.length, delayMs: w.delayMs },
      ]),
    ),
    warmUp: { shortStreams: WARMUP, longStreams: WARMUP / 20, maxMsPerTarget: WARMUP_MAX_MS },
    targets: targets.map((t) => t.name),
    baseline: BASELINE ?? null,
    peers: { portkey: portkey?.version ?? null, litellm: litellm?.version ?? null },
    repetitions,
  },
)
