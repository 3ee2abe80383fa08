// How healthy the system looks to a user. The ML service is needed by compression,
// classification and routing, so it being down is red, not amber.
import type { DependencyHealth, Health } from '@tokenflow/api'

export type HealthLevel = 'ok' | 'degraded' | 'down' | 'unknown'

export const healthLevel = (health: Health | undefined, unreachable: boolean): HealthLevel => {
  if (unreachable) return 'down'
  if (!health) return 'unknown'
  const mlDown = health.dependencies.some((d) => d.kind === 'ml' && d.status === 'down')
  if (health.status === 'down' || mlDown) return 'down'
  return health.status === 'degraded' ? 'degraded' : 'ok'
}

export const healthSummary = (health: Health | undefined, unreachable: boolean): string => {
  if (unreachable) return 'Server unreachable'
  if (!health) return 'Checking…'
  const ml = health.dependencies.find((d) => d.kind === 'ml')
  if (ml?.status === 'down') return 'ML service down'
  const level = healthLevel(health, false)
  if (level === 'down') return 'Down'
  return level === 'degraded' ? 'Degraded' : 'All systems ready'
}

const envName = (name: string) => `${name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_API_KEY`

/** What to do about a dependency that is not up, in words a user can act on. */
export const dependencyHint = (dependency: DependencyHealth): string | null => {
  if (dependency.status === 'up') return null
  if (dependency.kind === 'ml') {
    return 'Start the ML service (pnpm dev starts it) or point ML_SERVICE_URL on the server at it.'
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
