// Readiness of the gateway's dependencies: the ML service (from the active probe, which goes
// around the breaker) and each LLM provider (as the provider registry reports it).
import type { DependencyHealth, Health, HealthService, ProviderId } from '@tokenflow/api'
import type { MlClient } from '../ml/ml-client'
import type { MlProbe } from './ml-probe'

export type ProviderStatus = { configured: boolean; reachable: boolean; detail: string }

export type ProviderStatusSource = {
  status(): Promise<Record<ProviderId, ProviderStatus>>
}

export type HealthServiceOptions = {
  ml: Pick<MlClient, 'breakerState' | 'baseUrl'>
  probe: Pick<MlProbe, 'check'>
  providers: ProviderStatusSource | null
  /** Redis, when the gateway shares state through it (SharedState.health). */
  state?: { health(): DependencyHealth }
  version: string
  startedAt?: number
}

const mlHealth = async ({
  ml,
  probe: mlProbe,
}: HealthServiceOptions): Promise<DependencyHealth> => {
  const probe = await mlProbe.check()
  const breaker = ml.breakerState()
  const latencyMs = Math.round(probe.latencyMs * 10) / 10
  if (!probe.ok) {
    const why = probe.status ? `answered ${probe.status}` : probe.body
    return {
      name: 'ml-service',
      kind: 'ml',
      status: 'down',
      detail: `ML service at ${ml.baseUrl} ${why}; breaker ${breaker}`,
      latencyMs: probe.status ? latencyMs : null,
    }
  }
  return {
    name: 'ml-service',
    kind: 'ml',
    status: 'up',
    detail: `ready; breaker ${breaker}`,
    latencyMs,
  }
}

const providerHealth = async (
  providers: ProviderStatusSource | null,
): Promise<DependencyHealth[]> => {
  if (!providers) return []
  try {
    const statuses = await providers.status()
    return Object.entries(statuses).map(([name, status]) => ({
      name,
      kind: 'provider' as const,
      status: !status.configured ? 'unconfigured' : status.reachable ? 'up' : 'down',
      detail: status.detail,
      latencyMs: null,
    }))
  } catch (error) {
    return [
      {
        name: 'providers',
        kind: 'provider',
        status: 'down',
        detail: `provider status failed: ${error instanceof Error ? error.message : String(error)}`,
        latencyMs: null,
      },
    ]
  }
}

export const createHealthService = (options: HealthServiceOptions): HealthService => {
  const startedAt = options.startedAt ?? Date.now()
  return {
    async check(): Promise<Health> {
      const [ml, providers] = await Promise.all([
        mlHealth(options),
        providerHealth(options.providers),
      ])
      const configured = providers.filter((p) => p.status !== 'unconfigured')
      const state = options.state?.health()
      // Redis away is degraded, not down: every feature serves from local state meanwhile.
      const status =
        ml.status === 'down'
          ? 'down'
          : configured.some((p) => p.status === 'down') ||
              !configured.some((p) => p.status === 'up') ||
              state?.status === 'down'
            ? 'degraded'
            : 'ok'
      return {
        status,
        version: options.version,
        uptimeS: Math.round((Date.now() - startedAt) / 1000),
        dependencies: [ml, ...providers, ...(state ? [state] : [])],
      }
    },
  }
}
