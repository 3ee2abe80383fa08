// What the hot-path benches share: the two workloads the fake provider streams, the fake started
// with them, the gateway's production settings (auth on, the rate limiter counting every request
// with a limit no run reaches, access logs at `info` into a pipe; classification and compression
// off, no ML service answers) and a stream's request on each TokenFlow path.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '../../apps/server/test/free-port'
import { startFakeProviderProcess } from '../load/processes'
import type { StreamCall } from './sse-request'

export const BENCH_API_KEY = 'tf-bench-key'
export const BENCH_UPSTREAM_KEY = 'gsk-bench-key'

export type Workload = { model: string; chunks: string[]; delayMs: number }

const words = (count: number): string[] =>
  Array.from({ length: count }, (_, i) => (i === 0 ? 'Tok0' : ` tok${i}`))

/** `short`: 20 chunks back to back; `long`: 200 chunks 2 ms apart. */
export const workloads = {
  short: { model: 'llama-3.1-8b-instant', chunks: words(20), delayMs: 0 },
  long: { model: 'llama-3.3-70b-versatile', chunks: words(200), delayMs: 2 },
} satisfies Record<string, Workload>
export type WorkloadName = keyof typeof workloads

/** The fake provider in a process of its own, streaming each workload for its model. */
export const startWorkloadFake = () => {
  const scriptFile = join(mkdtempSync(join(tmpdir(), 'tf-bench-')), 'scripts.json')
  writeFileSync(
    scriptFile,
    JSON.stringify(
      Object.fromEntries(
        Object.values(workloads).map((w) => [
          w.model,
          { kind: 'stream', chunks: w.chunks, delayMs: w.delayMs },
        ]),
      ),
    ),
  )
  return startFakeProviderProcess({
    FAKE_PROVIDER_SCRIPTS: scriptFile,
    FAKE_PROVIDER_RECORD: 'false',
  })
}

export const productionGatewayEnv = async (
  fakeApiUrl: string,
): Promise<Record<string, string>> => ({
  GROQ_API_KEY: BENCH_UPSTREAM_KEY,
  GROQ_BASE_URL: fakeApiUrl,
  ML_SERVICE_URL: `http://127.0.0.1:${await freePort()}`,
  TOKENFLOW_API_KEYS: BENCH_API_KEY,
  RATE_LIMIT_PER_MINUTE: '100000000',
  PROVIDER_TIMEOUT_MS: '60000',
  LOG_LEVEL: 'info',
})

const prompt = 'Say something long for the benchmark.'
const json = { 'content-type': 'application/json' }

/** A streamed chat completion on an OpenAI-compatible `/v1` at `url` (ours, a peer's, the fake's). */
export const openAiStreamCall = (
  url: string,
  headers: Record<string, string>,
  model: string,
): StreamCall => ({
  method: 'POST',
  url: `${url}/chat/completions`,
  headers: { ...json, ...headers },
  body: JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: prompt }] }),
  firstToken: 'Tok0',
  complete: '[DONE]',
})

export const tokenflowPaths = ['REST', 'tRPC', '/v1'] as const
export type TokenFlowPath = (typeof tokenflowPaths)[number]

/** A stream of `workload` through TokenFlow's `path` at `url`, the model named by catalog id. */
export const tokenflowStreamCall = (
  path: TokenFlowPath,
  url: string,
  workload: Workload,
): StreamCall => {
  const auth = { authorization: `Bearer ${BENCH_API_KEY}` }
  const model = `groq/${workload.model}`
  if (path === '/v1') return openAiStreamCall(`${url}/v1`, auth, model)
  if (path === 'tRPC') {
    return {
      method: 'GET',
      url: `${url}/trpc/generation.stream?input=${encodeURIComponent(JSON.stringify({ prompt, model }))}`,
      headers: { ...auth, accept: 'text/event-stream' },
      firstToken: 'Tok0',
      complete: '"type":"end"',
    }
  }
  return {
    method: 'POST',
    url: `${url}/api/generate`,
    headers: { ...json, ...auth },
    body: JSON.stringify({ prompt, model }),
    firstToken: 'Tok0',
    complete: 'end_stream',
  }
}
