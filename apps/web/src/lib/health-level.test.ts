import type { DependencyHealth, Health } from '@tokenflow/api'
import { describe, expect, it } from 'vitest'
import { dependencyHint, dependencyKindLabel, healthLevel, healthSummary } from './health-level'

const dep = (patch: Partial<DependencyHealth>): DependencyHealth => ({
  name: 'groq',
  kind: 'provider',
  status: 'up',
  detail: 'ok',
  latencyMs: 3,
  ...patch,
})

const health = (status: Health['status'], dependencies: DependencyHealth[]): Health => ({
  status,
  version: '0.1.0',
  uptimeS: 10,
  dependencies,
})

describe('healthLevel', () => {
  it('is red when the ML service is down, even if the server calls itself degraded', () => {
    const h = health('degraded', [dep({ name: 'ml-service', kind: 'ml', status: 'down' })])
    expect(healthLevel(h, false)).toBe('down')
    expect(healthSummary(h, false)).toBe('ML service down')
  })

  it('is amber, naming how many, when some ML replicas are down but not all', () => {
    const h = health('degraded', [
      dep({ name: 'ml-service-1', kind: 'ml', status: 'up' }),
      dep({ name: 'ml-service-2', kind: 'ml', status: 'down' }),
    ])
    expect(healthLevel(h, false)).toBe('degraded')
    expect(healthSummary(h, false)).toBe('1 of 2 ML replicas down')
  })

  it('is red when every ML replica is down', () => {
    const h = health('down', [
      dep({ name: 'ml-service-1', kind: 'ml', status: 'down' }),
      dep({ name: 'ml-service-2', kind: 'ml', status: 'down' }),
    ])
    expect(healthLevel(h, false)).toBe('down')
    expect(healthSummary(h, false)).toBe('ML service down')
  })

  it('is amber when only a provider is missing', () => {
    const h = health('degraded', [dep({ name: 'openrouter', status: 'unconfigured' })])
    expect(healthLevel(h, false)).toBe('degraded')
  })

  it('is red when the server itself cannot be reached', () => {
    expect(healthLevel(undefined, true)).toBe('down')
    expect(healthSummary(undefined, true)).toBe('Server unreachable')
  })
})

describe('dependencyHint', () => {
  it('names the variable to set for an unconfigured provider', () => {
    expect(dependencyHint(dep({ name: 'openrouter', status: 'unconfigured' }))).toMatch(
      /OPENROUTER_API_KEY/,
    )
  })

  it('speaks of REDIS_URL for the shared state, not of an API key', () => {
    const redis = (status: DependencyHealth['status']) =>
      dependencyHint(dep({ name: 'redis', kind: 'state', status }))
    expect(redis('unconfigured')).toMatch(/Set REDIS_URL/)
    expect(redis('down')).toMatch(/Check REDIS_URL/)
    expect(redis('down')).not.toMatch(/API_KEY/)
    expect(dependencyKindLabel.state).toBe('Redis')
  })

  it('says nothing about a dependency that is up', () => {
    expect(dependencyHint(dep({}))).toBeNull()
  })
})
