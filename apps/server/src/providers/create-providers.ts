// Builds every provider of the table and answers "which providers can serve now?"
// (configured and reachable), cached briefly so health checks and routing don't probe per request.
import type { ProviderId } from '@tokenflow/api'
import type { ChatProvider, ProviderStatus } from './chat-provider'
import { createGroqProvider } from './groq-provider'
import { createOpenAiCompatibleProvider } from './openai-compatible-provider'
import type { ResolvedProvider } from './resolve-providers'
import { createUpstreamFetch, type UpstreamFetch } from './upstream-fetch'

export type ProvidersConfig = {
  /** The provider table, resolved against the environment (resolve-providers.ts). */
  providers: ResolvedProvider[]
  timeoutMs: number
  /** How long a status answer is reused; 5 s unless set. */
  statusTtlMs?: number
  /** How long one reachability probe may take; 2 s unless set. */
  probeTimeoutMs?: number
}

export type ProviderStatuses = Record<ProviderId, ProviderStatus>

export interface ProviderRegistry {
  /** Throws for an id the table does not have (the catalog is checked against it at start). */
  get(id: ProviderId): ChatProvider
  readonly ids: readonly ProviderId[]
  status(): Promise<ProviderStatuses>
  /** Forget the cached status, e.g. after a provider failed with UNAUTHORIZED. */
  invalidate(): void
  /** The per-attempt limit for the first token, and between tokens after that. */
  readonly timeoutMs: number
}

const probeStatus = async (
  provider: ChatProvider,
  notConfigured: string,
  timeoutMs: number,
): Promise<ProviderStatus> => {
  if (!provider.configured) return { configured: false, reachable: false, detail: notConfigured }
  try {
    await provider.probe(AbortSignal.timeout(timeoutMs))
    return { configured: true, reachable: true, detail: 'ok' }
  } catch (error) {
    return {
      configured: true,
      reachable: false,
      detail: error instanceof Error ? error.message : String(error),
    }
  }
}

const build = (
  resolved: ResolvedProvider,
  timeoutMs: number,
  fetch: UpstreamFetch,
): ChatProvider =>
  resolved.kind === 'groq'
    ? createGroqProvider({
        id: resolved.id,
        configured: resolved.configured,
        apiKey: resolved.apiKey,
        baseURL: resolved.baseURL,
        headers: resolved.headers,
        timeoutMs,
        fetch,
      })
    : createOpenAiCompatibleProvider({
        id: resolved.id,
        configured: resolved.configured,
        apiKey: resolved.apiKey,
        baseURL: resolved.baseURL ?? '',
        headers: resolved.headers,
        timeoutMs,
        fetch,
      })

export const createProviders = (config: ProvidersConfig): ProviderRegistry => {
  const fetch = createUpstreamFetch()
  const providers = new Map(
    config.providers.map((resolved) => [
      resolved.id,
      { provider: build(resolved, config.timeoutMs, fetch), notConfigured: resolved.notConfigured },
    ]),
  )
  const ids = [...providers.keys()]
  const ttlMs = config.statusTtlMs ?? 5_000
  const probeTimeoutMs = config.probeTimeoutMs ?? 2_000
  // The last finished probe, and the one running now. Requests are answered from `settled`
  // while a refresh runs: a probe is a network round trip (up to probeTimeoutMs), and parking
  // every request that arrives meanwhile on it put that round trip into their time to first token.
  let settled: { at: number; value: ProviderStatuses } | null = null
  let inflight: Promise<ProviderStatuses> | null = null
  let scheduled = false
  let generation = 0

  const refresh = (): Promise<ProviderStatuses> => {
    if (inflight) return inflight
    const started = generation
    const probe = Promise.all(
      [...providers].map(async ([id, { provider, notConfigured }]) => [
        id,
        await probeStatus(provider, notConfigured, probeTimeoutMs),
      ]),
    ).then((entries) => {
      const value = Object.fromEntries(entries) as ProviderStatuses
      // An invalidate() during the probe means its answer may predate what we learned since.
      if (started === generation) settled = { at: performance.now(), value }
      return value
    })
    inflight = probe
    void probe.finally(() => {
      if (inflight === probe) inflight = null
    })
    return probe
  }

  return {
    ids,
    get: (id) => {
      const entry = providers.get(id)
      if (!entry) throw new Error(`unknown provider ${id} (known: ${ids.join(', ')})`)
      return entry.provider
    },
    timeoutMs: config.timeoutMs,
    invalidate: () => {
      generation += 1
      settled = null
      inflight = null
    },
    status: () => {
      // Only the very first requests (or the first after invalidate) wait for a probe.
      if (!settled) return refresh()
      if (performance.now() - settled.at > ttlMs && !inflight && !scheduled) {
        // Next turn of the event loop, so the request that noticed goes upstream first.
        scheduled = true
        setImmediate(() => {
          scheduled = false
          void refresh()
        })
      }
      return Promise.resolve(settled.value)
    },
  }
}
