// Readiness of the gateway's dependencies: each ML service replica (from the active probe, which
// goes around the breakers), each LLM provider (as the provider registry reports it), Redis and
// the database.
import type { DependencyHealth, Health, HealthService, ProviderId } from '@tokenflow/api'
import type { MlClient } from '../ml/ml-client'
import type { MlProbe } from './ml-probe'

export type ProviderStatus = { configured: boolean; reachable: boolean; detail: string }

export type ProviderStatusSource = {
  status(): Promise<Record<ProviderId, ProviderStatus>>
}

export type HealthServiceOptions = {
  ml: Pick<MlClient, 'breakerState'>
  probe: Pick<MlProbe, 'check'>
  providers: ProviderStatusSource | null
  /** Redis, when the gateway shares state through it (SharedState.health). */
  state?: { health(): DependencyHealth }
  /** The request log's and the virtual keys' database (Store.health). */
  database: { health(): DependencyHealth }
  version: string
  startedAt?: number
}

// One dependency per replica: `ml-service` when there is one, `ml-service-1`, `ml-service-2`…
// in ML_SERVICE_URL's order when there are several.
const mlHealth = async ({
  ml,
  probe: mlProbe,
}: HealthServiceOptions): Promise<DependencyHealth[]> => {
  const probes = await mlProbe.check()
  return probes.map((probe, index): DependencyHealth => {
    const name = probes.length === 1 ? 'ml-service' : `ml-service-${index + 1}`
    const breaker = ml.breakerState(probe.url)
    const latencyMs = Math.round(probe.latencyMs * 10) / 10
    if (!probe.ok) {
      const why = probe.status ? `answered ${probe.status}` : probe.body
      return {
        name,
        kind: 'ml',
        status: 'down',
        detail: `ML service at ${probe.url} ${why}; breaker ${breaker}`,
        latencyMs: probe.status ? latencyMs : null,
      }
    }
    return {
      name,
      kind: 'ml',
      status: 'up',
      detail: `ready at ${probe.url}; breaker ${breaker}`,
      latencyMs,
    }
  })
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
      const database = options.database.health()
      const mlDown = ml.filter((replica) => replica.status === 'down').length
      // Down only when no ML replica answers: the client sends every call to the live ones.
      // Redis away is degraded, not down: every feature serves from local state meanwhile. So is
      // the database: requests go on, their log rows are dropped, virtual keys wait for it.
      const status =
        mlDown === ml.length
          ? 'down'
          : mlDown > 0 ||
              configured.some((p) => p.status === 'down') ||
              !configured.some((p) => p.status === 'up') ||
              state?.status === 'down' ||
              database.status === 'down'
            ? 'degraded'
            : 'ok'
      return {
        status,
        version: options.version,
        uptimeS: Math.round((Date.now() - startedAt) / 1000),
        dependencies: [...ml, ...providers, ...(state ? [state] : []), database],
      }
    },
  }
}
