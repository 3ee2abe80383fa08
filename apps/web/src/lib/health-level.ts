// How healthy the system looks to a user. The ML service is needed by compression,
// classification and routing, so every replica of it down is red, not amber; one of several down
// is amber, since the gateway sends the calls to the others.
import type { DependencyHealth, Health } from '@tokenflow/api'

export type HealthLevel = 'ok' | 'degraded' | 'down' | 'unknown'

/** What each kind of dependency is, in words. */
export const dependencyKindLabel: Record<DependencyHealth['kind'], string> = {
  ml: 'ML service',
  provider: 'provider',
  state: 'Redis',
}

const mlReplicas = (health: Health) => health.dependencies.filter((d) => d.kind === 'ml')

const mlDown = (health: Health) => {
  const replicas = mlReplicas(health)
  return replicas.length > 0 && replicas.every((d) => d.status === 'down')
}

export const healthLevel = (health: Health | undefined, unreachable: boolean): HealthLevel => {
  if (unreachable) return 'down'
  if (!health) return 'unknown'
  if (health.status === 'down' || mlDown(health)) return 'down'
  return health.status === 'degraded' ? 'degraded' : 'ok'
}

export const healthSummary = (health: Health | undefined, unreachable: boolean): string => {
  if (unreachable) return 'Server unreachable'
  if (!health) return 'Checking…'
  if (mlDown(health)) return 'ML service down'
  const replicas = mlReplicas(health)
  const down = replicas.filter((d) => d.status === 'down').length
  if (down > 0) return `${down} of ${replicas.length} ML replicas down`
  const level = healthLevel(health, false)
  if (level === 'down') return 'Down'
  return level === 'degraded' ? 'Degraded' : 'All systems ready'
}

const envName = (name: string) => `${name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_API_KEY`

/** What to do about a dependency that is not up, in words a user can act on. */
export const dependencyHint = (dependency: DependencyHealth): string | null => {
  if (dependency.status === 'up') return null
  if (dependency.kind === 'ml') {
    return 'Start the ML service (pnpm dev starts it) or point ML_SERVICE_URL on the server at it (comma-separated for several replicas).'
  }
  if (dependency.kind === 'state') {
    return dependency.status === 'unconfigured'
      ? 'Set REDIS_URL on the server to share rate limits, stream resume and the cache between gateway replicas.'
      : 'Check REDIS_URL and that Redis is running; meanwhile each gateway process keeps its own rate limits, streams and cache.'
  }
  if (dependency.name.toLowerCase().includes('local')) {
    return dependency.status === 'unconfigured'
      ? 'Set LOCAL_MODEL_ENABLED=true on the server to use the local model (it runs in the ML service).'
      : 'The local model runs in the ML service: start it to use this provider.'
  }
  if (dependency.status === 'unconfigured') {
    return `Set ${envName(dependency.name)} on the server to use ${dependency.name} models.`
  }
  return `Check ${envName(dependency.name)} and the provider's status; requests fall back to other models meanwhile.`
}
