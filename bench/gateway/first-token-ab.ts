// The A/B core the replicas and request-log benches share: the same short stream through several
// paths, at concurrency 1, interleaved round-robin (rotated per repetition), then each gateway
// path's CPU per stream. The first target is the direct path (pid null) the added times are
// measured from; a sidecar process (redis-server) can be charged per stream too.
import { Agent } from 'node:http'
import { cpuSeconds } from './process-stats'
import { type StreamCall, streamOnce } from './sse-request'
import { percentile, round } from './start-gateway'

export type AbTarget = { name: string; pid: number | null; call: StreamCall }

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export const rotate = <T>(items: T[], by: number) =>
  items.map((_, i) => items[(i + by) % items.length] as T)

export const newAgent = () => new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY })

/** Runs `count` streams of `call` with `concurrency` in flight; the number that succeeded. */
export const runMany = async (
  agent: Agent,
  call: StreamCall,
  count: number,
  concurrency: number,
) => {
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

/** The REST, tRPC and direct calls for one scripted model behind the fake provider. */
export const benchCalls = (options: {
  apiKey: string
  upstreamKey: string
  model: string
  prompt: string
}) => {
  const auth = { authorization: `Bearer ${options.apiKey}` }
  const body = JSON.stringify({ prompt: options.prompt, model: `groq/${options.model}` })
  return {
    rest: (url: string): StreamCall => ({
      method: 'POST',
      url: `${url}/api/generate`,
      headers: { 'content-type': 'application/json', ...auth },
      body,
      firstToken: 'Tok0',
      complete: 'end_stream',
    }),
    trpc: (url: string): StreamCall => ({
      method: 'GET',
      url: `${url}/trpc/generation.stream?input=${encodeURIComponent(body)}`,
      headers: { ...auth, accept: 'text/event-stream' },
      firstToken: 'Tok0',
      complete: '"type":"end"',
    }),
    direct: (fakeApiUrl: string): StreamCall => ({
      method: 'POST',
      url: `${fakeApiUrl}/chat/completions`,
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${options.upstreamKey}`,
      },
      body: JSON.stringify({
        model: options.model,
        stream: true,
        messages: [{ role: 'user', content: options.prompt }],
      }),
      firstToken: 'Tok0',
      complete: '[DONE]',
    }),
  }
}

export type AbOptions = {
  targets: AbTarget[]
  rounds: number
  rep: number
  /** Streams per gateway path for its CPU (8 in flight). */
  cpuStreams: number
  /** Another process whose CPU per stream goes in a `<name>CpuPerStreamMs` column. */
  sidecar?: { name: string; pid: number }
}

export const firstTokenAb = async ({ targets, rounds, rep, cpuStreams, sidecar }: AbOptions) => {
  const agents = new Map(targets.map((t) => [t.name, newAgent()]))
  const agentOf = (t: AbTarget) => agents.get(t.name) as Agent
  const samples = new Map<string, number[]>(targets.map((t) => [t.name, []]))
  const errors = new Map<string, number>(targets.map((t) => [t.name, 0]))
  for (const t of targets) await runMany(agentOf(t), t.call, 5, 1)
  for (let i = 0; i < rounds; i += 1) {
    for (const t of rotate(targets, i + rep)) {
      await sleep(2)
      const result = await streamOnce(agentOf(t), t.call)
      if (result.ok) samples.get(t.name)?.push(result.ttftMs)
      else errors.set(t.name, (errors.get(t.name) ?? 0) + 1)
    }
  }
  const cpu = new Map<string, { gatewayMs: number; sidecarMs: number }>()
  for (const t of rotate(targets, rep)) {
    if (t.pid === null) continue
    const before = cpuSeconds(t.pid)
    const sidecarBefore = sidecar ? cpuSeconds(sidecar.pid) : 0
    const ok = Math.max(await runMany(agentOf(t), t.call, cpuStreams, 8), 1)
    cpu.set(t.name, {
      gatewayMs: ((cpuSeconds(t.pid) - before) * 1000) / ok,
      sidecarMs: sidecar ? ((cpuSeconds(sidecar.pid) - sidecarBefore) * 1000) / ok : 0,
    })
  }
  for (const agent of agents.values()) agent.destroy()
  const [direct] = targets
  const directP50 = percentile(samples.get(direct?.name ?? '') ?? [], 50)
  const directP99 = percentile(samples.get(direct?.name ?? '') ?? [], 99)
  return targets.map((t) => {
    const p50 = percentile(samples.get(t.name) ?? [], 50)
    const p99 = percentile(samples.get(t.name) ?? [], 99)
    const used = cpu.get(t.name)
    return {
      path: t.name,
      ttftP50Ms: round(p50, 2),
      ttftP99Ms: round(p99, 2),
      addedP50Ms: t.pid === null ? 0 : round(p50 - directP50, 2),
      addedP99Ms: t.pid === null ? 0 : round(p99 - directP99, 2),
      errors: errors.get(t.name) ?? 0,
      gatewayCpuPerStreamMs: used ? round(used.gatewayMs, 3) : '',
      ...(sidecar
        ? { [`${sidecar.name}CpuPerStreamMs`]: used ? round(used.sidecarMs, 3) : '' }
        : {}),
    }
  })
}
