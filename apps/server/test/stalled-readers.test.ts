// 200 clients that stop reading a 12 MB answer, against the real entry point and the fake provider
// each in their own process (so the gateway's memory is its own, and the fake's writes do not
// share the clients' event loop): the gateway stays within its memory bound, stops reading from
// the provider, disconnects the stalled clients itself, aborts their upstreams once the resume
// window has passed, and another client's stream stays fast throughout.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it, onTestFinished } from 'vitest'
import {
  type Proc,
  startFakeProviderProcess,
  startGatewayProcess,
} from '../../../bench/load/processes'
import { freePort } from './free-port'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const STALLED = 200
const dir = mkdtempSync(join(tmpdir(), 'tf-stalled-'))
let fake: Proc
let gateway: Proc

beforeAll(async () => {
  const scripts = join(dir, 'scripts.json')
  writeFileSync(
    scripts,
    JSON.stringify({
      // text-to-text, quality routes here: a 12 MB answer, sent as fast as it is read. More than
      // the kernel takes per loopback connection (a send buffer of up to 4 MB, wmem_max), so no
      // stalled stream can finish into socket buffers; with 3 MB a few did on some machines.
      'llama-3.3-70b-versatile': {
        kind: 'stream',
        chunks: Array.from(
          { length: 12_000 },
          (_, i) => `${String(i).padStart(6, '0')}${'x'.repeat(994)}`,
        ),
      },
      'openai/gpt-oss-20b': {
        kind: 'stream',
        chunks: Array.from({ length: 12_000 }, () => 'y'.repeat(1_000)),
      },
      'llama-3.1-8b-instant': {
        kind: 'stream',
        chunks: Array.from({ length: 20 }, (_, i) => ` q${i}`),
        delayMs: 10,
      },
    }),
  )
  fake = await startFakeProviderProcess({
    FAKE_PROVIDER_SCRIPTS: scripts,
    FAKE_PROVIDER_RECORD: 'false',
  })
  gateway = await startGatewayProcess({
    // A heap cap: V8 then collects instead of growing, so RSS shows what is kept, not garbage
    // not yet collected; a gateway that buffered every answer (2.4 GB here) would run out of it.
    NODE_OPTIONS: '--max-old-space-size=384',
    STREAM_REPLAY_BYTES: String(256 * 1024),
    STREAM_STALL_MS: '2000',
    STREAM_RESUME_WINDOW_MS: '3000',
    ML_SERVICE_URL: `http://127.0.0.1:${await freePort()}`,
    GROQ_API_KEY: 'gsk-stalled-key',
    GROQ_BASE_URL: `${fake.url}/openai/v1`,
  })
}, 60_000)
afterAll(async () => {
  await gateway?.stop()
  await fake?.stop()
  rmSync(dir, { recursive: true, force: true })
})

const rssMiB = (pid: number): number => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024
}

/** tokenflow_streams_total for one outcome, both kinds, from the gateway's /metrics. */
const streamsEnded = async (outcome: string): Promise<number> => {
  const text = await (await fetch(`${gateway.url}/metrics`)).text()
  return text
    .split('\n')
    .filter((l) => l.startsWith('tokenflow_streams_total') && l.includes(`outcome="${outcome}"`))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0)
}

const quickStream = async () => {
  const startedAt = performance.now()
  const response = await fetch(`${gateway.url}/api/generate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ prompt: 'short one', model: 'groq/llama-3.1-8b-instant' }),
  })
  const text = await response.text()
  return { text, ms: performance.now() - startedAt }
}

it('bounds memory and keeps other streams fast with 200 readers that stopped reading', async () => {
  const baseline = await quickStream()
  const rssBefore = rssMiB(gateway.pid)
  const abortedBefore = await streamsEnded('aborted')
  const body = JSON.stringify({
    prompt: 'everything, please',
    possible_categories: ['text-to-text'],
    strategy: 'quality',
    compress: 'off',
  })
  const { port } = new URL(gateway.url)
  // Raw sockets that send the request and never read. On loopback the kernel takes up to ~4 MB
  // per connection before the gateway sees backpressure, so that much of each answer leaves the
  // gateway; what it keeps per stream is bounded by STREAM_REPLAY_BYTES + STREAM_BUFFER_BYTES.
  const stalled: Socket[] = []
  for (let i = 0; i < STALLED; i += 1) {
    const socket = connect(Number(port), '127.0.0.1')
    socket.pause()
    socket.on('error', () => undefined)
    socket.write(
      `POST /api/models/select HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    )
    stalled.push(socket)
  }
  onTestFinished(() => {
    for (const socket of stalled) socket.destroy()
  })
  let peak = 0
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMiB(gateway.pid))
  }, 100)
  await sleep(1_500)
  // Meanwhile another client's short stream is served beside them.
  const during = await quickStream()
  await sleep(6_000)
  clearInterval(sampler)
  peak = Math.max(peak, rssMiB(gateway.pid))
  console.log('stalled readers', { rssBefore, peak, baseline: baseline.ms, during: during.ms })
  expect(during.text).toContain('end_stream')
  expect(during.ms).toBeLessThan(Math.max(2_000, 5 * baseline.ms))
  // 200 x (256 KiB replay + 64 KiB ahead) is what the streams may keep; before the bounds, this
  // load (3 MB answers) took the gateway from 168 to 717 MiB.
  expect(peak - rssBefore).toBeLessThan(500)
  // The clients go away: a seed client cannot resume, so every upstream is aborted at once.
  for (const socket of stalled) socket.destroy()
  expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200)
  await expect
    .poll(async () => (await streamsEnded('aborted')) - abortedBefore, {
      timeout: 20_000,
      interval: 250,
    })
    .toBe(STALLED)
}, 90_000)

it('disconnects a client whose socket stays full for STREAM_STALL_MS', async () => {
  // Past what the kernel takes: 12 MB, so the gateway's writes block and the stall shows. A
  // paused socket does not see its own close, so the gateway's metrics tell: the stream is
  // aborted once the stall limit (2 s) has passed, which a client still attached never allows.
  const abortedBefore = await streamsEnded('aborted')
  const socket = connect(Number(new URL(gateway.url).port), '127.0.0.1')
  socket.pause()
  socket.on('error', () => undefined)
  const body = JSON.stringify({ prompt: 'the long one', model: 'groq/openai/gpt-oss-20b' })
  socket.write(
    `POST /api/generate HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  )
  const startedAt = performance.now()
  await expect
    .poll(async () => (await streamsEnded('aborted')) - abortedBefore, {
      timeout: 20_000,
      interval: 100,
    })
    .toBe(1)
  expect(performance.now() - startedAt).toBeGreaterThanOrEqual(2_000)
  socket.destroy()
}, 30_000)
