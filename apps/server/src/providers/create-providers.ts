// Builds the three providers from configuration and answers "which providers can serve now?"
// (configured and reachable), cached briefly so health checks and routing don't probe per request.
import type { ProviderId } from '@tokenflow/api'
import type { ChatProvider, ProviderStatus } from './chat-provider'
import { createGroqProvider } from './groq-provider'
import { createOpenAiCompatibleProvider } from './openai-compatible-provider'

export type ProvidersConfig = {
  groq: { apiKey?: string; baseURL?: string }
  openrouter: { apiKey?: string; baseURL?: string }
  local: { enabled: boolean; baseURL: string; token?: string }
  timeoutMs: number
  /** How long a status answer is reused; 5 s unless set. */
  statusTtlMs?: number
  /** How long one reachability probe may take; 2 s unless set. */
  probeTimeoutMs?: number
}

export type ProviderStatuses = Record<ProviderId, ProviderStatus>

export interface ProviderRegistry {
  get(id: ProviderId): ChatProvider
  status(): Promise<ProviderStatuses>
  /** Forget the cached status, e.g. after a provider failed with UNAUTHORIZED. */
  invalidate(): void
  /** The per-attempt limit for the first token, and between tokens after that. */
  readonly timeoutMs: number
}

const PROVIDER_IDS: ProviderId[] = ['groq', 'openrouter', 'local']

const notConfigured: Record<ProviderId, string> = {
  groq: 'GROQ_API_KEY is not set',
  openrouter: 'OPENROUTER_API_KEY is not set',
  local: 'LOCAL_MODEL_ENABLED is false',
}

const probeStatus = async (provider: ChatProvider, timeoutMs: number): Promise<ProviderStatus> => {
  if (!provider.configured) {
    return { configured: false, reachable: false, detail: notConfigured[provider.id] }
  }
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

export const createProviders = (config: ProvidersConfig): ProviderRegistry => {
  const providers: Record<ProviderId, ChatProvider> = {
    groq: createGroqProvider({ ...config.groq, timeoutMs: config.timeoutMs }),
    openrouter: createOpenAiCompatibleProvider({
      id: 'openrouter',
      configured: Boolean(config.openrouter.apiKey),
      apiKey: config.openrouter.apiKey,
      baseURL: config.openrouter.baseURL ?? 'https://openrouter.ai/api/v1',
      timeoutMs: config.timeoutMs,
    }),
    local: createOpenAiCompatibleProvider({
      id: 'local',
      configured: config.local.enabled,
      baseURL: config.local.baseURL,
      headers: config.local.token ? { 'X-Internal-Token': config.local.token } : undefined,
      timeoutMs: config.timeoutMs,
    }),
  }
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
      PROVIDER_IDS.map(async (id) => [id, await probeStatus(providers[id], probeTimeoutMs)]),
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
    get: (id) => providers[id],
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
