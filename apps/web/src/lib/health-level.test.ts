import type { DependencyHealth, Health } from '@tokenflow/api'
import { describe, expect, it } from 'vitest'
import { dependencyHint, healthLevel, healthSummary } from './health-level'

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

  it('says nothing about a dependency that is up', () => {
    expect(dependencyHint(dep({}))).toBeNull()
  })
})
