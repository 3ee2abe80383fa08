// What the request log costs. Two parts, interleaved and repeated:
// 1. On the hot path: the same gateway build with REQUEST_LOG on (SQLite under a temp DATA_DIR)
//    and off, and the direct path, at concurrency 1 round-robin: time to first token (REST and
//    tRPC), the added time, and the gateway's CPU per stream. Target: at most 0.1 ms added p50.
// 2. Insert throughput of the log's batched writer on SQLite and on PostgreSQL (Debian's, started
//    in a temp dir): rows recorded as fast as the caller can, until flush() has written them all;
//    also the caller's cost per record() call.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { RequestRecord } from '@tokenflow/api'
import { createLogger } from '../../apps/server/src/observability/logger'
import { createMetrics } from '../../apps/server/src/observability/metrics'
import { createStore } from '../../apps/server/src/store/create-store'
import { freePort } from '../../apps/server/test/free-port'
import { startPostgresServer } from '../../apps/server/test/postgres-server'
import { printTable, writeResults } from '../load/load-table'
import { type Proc, startFakeProviderProcess, startGatewayProcess } from '../load/processes'
import { benchCalls, firstTokenAb, rotate } from './first-token-ab'
import { round } from './start-gateway'

const REPS = Number(process.env.BENCH_REPS ?? 2)
const TTFT_ROUNDS = Number(process.env.BENCH_TTFT_ROUNDS ?? 200)
const CPU_STREAMS = 400
const INSERT_ROWS = Number(process.env.BENCH_INSERT_ROWS ?? 20_000)
const API_KEY = 'tf-bench-key'
const UPSTREAM_KEY = 'gsk-bench-key'
const MODEL = 'llama-3.1-8b-instant'
const prompt = 'Say something for the benchmark.'

const dir = mkdtempSync(join(tmpdir(), 'tf-bench-log-'))
const scriptFile = join(dir, 'scripts.json')
const chunks = Array.from({ length: 20 }, (_, i) => (i === 0 ? 'Tok0' : ` tok${i}`))
writeFileSync(scriptFile, JSON.stringify({ [MODEL]: { kind: 'stream', chunks, delayMs: 0 } }))

// --- 1. the hot path ---------------------------------------------------------------------------

const calls = benchCalls({ apiKey: API_KEY, upstreamKey: UPSTREAM_KEY, model: MODEL, prompt })

const hotPath = (rep: number, on: Proc, off: Proc, fakeUrl: string) =>
  firstTokenAb({
    targets: [
      { name: 'direct', pid: null, call: calls.direct(fakeUrl) },
      { name: 'REST, log off', pid: off.pid, call: calls.rest(off.url) },
      { name: 'REST, log on', pid: on.pid, call: calls.rest(on.url) },
      { name: 'tRPC, log off', pid: off.pid, call: calls.trpc(off.url) },
      { name: 'tRPC, log on', pid: on.pid, call: calls.trpc(on.url) },
    ],
    rounds: TTFT_ROUNDS,
    rep,
    cpuStreams: CPU_STREAMS,
  })

// --- 2. insert throughput ----------------------------------------------------------------------

const row = (i: number, startedAt: number): RequestRecord => ({
  id: `bench-${startedAt}-${i}`,
  time: new Date(startedAt + i).toISOString(),
  requestId: `req-${i}`,
  streamId: `stream-${i}`,
  apiKeyId: `vk_${i % 7}`,
  endpoint: (['trpc', 'rest', 'openai'] as const)[i % 3] ?? 'rest',
  kind: i % 2 ? 'routing' : 'generation',
  requestedModel: null,
  model: 'groq/llama-3.1-8b-instant',
  provider: 'groq',
  category: ['code', 'math', 'chat'][i % 3] ?? null,
  confidence: 0.8,
  strategy: 'balanced',
  compressionMethod: null,
  originalTokens: null,
  compressedTokens: null,
  fallbacks: 0,
  promptTokens: 120,
  completionTokens: 240,
  costUsd: 0.00012,
  savedTokens: 0,
  savedUsd: 0,
  ttftMs: 210 + (i % 50),
  totalMs: 900 + (i % 300),
  finishReason: 'stop',
  errorCode: null,
  status: 'ok',
  prompt: null,
  answer: null,
})

const insertThroughput = async (name: string, databaseUrl: string | undefined) => {
  const dataDir = mkdtempSync(join(dir, `${name}-`))
  const store = await createStore({
    databaseUrl,
    dataDir,
    metrics: createMetrics({ defaultMetrics: false }),
    logger: createLogger({ level: 'silent' }),
    batchSize: 500,
    maxQueue: INSERT_ROWS,
  })
  try {
    const startedAt = Date.now()
    const began = performance.now()
    for (let i = 0; i < INSERT_ROWS; i += 1) store.requests.record(row(i, startedAt))
    const recorded = performance.now()
    await store.requests.flush()
    const seconds = (performance.now() - began) / 1000
    const listed = await store.requests.summary({
      from: new Date(startedAt - 1).toISOString(),
      to: new Date(startedAt + INSERT_ROWS + 1).toISOString(),
    })
    return {
      database: name,
      rows: INSERT_ROWS,
      stored: listed.requests,
      rowsPerSecond: round(INSERT_ROWS / seconds, 0),
      recordCallUs: round(((recorded - began) * 1000) / INSERT_ROWS, 2),
    }
  } finally {
    await store.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

// --- run ---------------------------------------------------------------------------------------

const fake = await startFakeProviderProcess({
  FAKE_PROVIDER_SCRIPTS: scriptFile,
  FAKE_PROVIDER_RECORD: 'false',
})
const postgres = await startPostgresServer()
const gateway = async (log: boolean) =>
  startGatewayProcess({
    GROQ_API_KEY: UPSTREAM_KEY,
    GROQ_BASE_URL: fake.apiUrl,
    ML_SERVICE_URL: `http://127.0.0.1:${await freePort()}`,
    TOKENFLOW_API_KEYS: API_KEY,
    RATE_LIMIT_PER_MINUTE: '100000000',
    LOG_LEVEL: 'info',
    REQUEST_LOG: String(log),
    DATA_DIR: mkdtempSync(join(dir, log ? 'on-' : 'off-')),
  })
const started: Array<{ stop(): Promise<void> }> = [fake, postgres]
const repetitions: Array<{ hotPath: unknown[]; inserts: unknown[] }> = []
try {
  const on = await gateway(true)
  started.push(on)
  const off = await gateway(false)
  started.push(off)
  for (let rep = 0; rep < REPS; rep += 1) {
    const hot = await hotPath(rep, on, off, fake.apiUrl)
    const inserts = []
    const databases: Array<[string, () => Promise<string | undefined>]> = [
      ['SQLite', async () => undefined],
      ['PostgreSQL', () => postgres.createDatabase(`bench_${rep}`)],
    ]
    for (const [name, url] of rotate(databases, rep)) {
      inserts.push(await insertThroughput(name, await url()))
    }
    repetitions.push({ hotPath: hot, inserts })
    console.log(`\nrepetition ${rep + 1}: request log on the hot path (concurrency 1)`)
    printTable(hot)
    console.log(`\nrepetition ${rep + 1}: request log inserts (batches of 500)`)
    printTable(inserts)
  }
} finally {
  await Promise.allSettled(started.reverse().map((part) => part.stop()))
  rmSync(dir, { recursive: true, force: true })
}

writeResults('gateway-request-log', 'pnpm --filter @tokenflow/bench bench:request-log', {
  upstream: { chunks: chunks.length, delayMs: 0 },
  insertRows: INSERT_ROWS,
  repetitions,
})
