// Turns the provider table into what the SDK clients take: keys and header values looked up in
// the environment, whether each provider is configured and why not, and the values to redact.
import type { ProviderTable } from './provider-spec'

export type ResolvedProvider = {
  id: string
  kind: 'groq' | 'openai-compatible'
  baseURL?: string
  apiKey?: string
  headers: Record<string, string>
  configured: boolean
  /** Why the provider cannot be called, when it is not configured. */
  notConfigured: string
  /** Key and header values read from the environment: never written to a log. */
  secrets: string[]
}

export type EnvLookup = (name: string) => string | undefined

export const resolveProviders = (table: ProviderTable, lookup: EnvLookup): ResolvedProvider[] =>
  Object.entries(table).map(([id, spec]) => {
    const secrets: string[] = []
    const read = (name: string) => {
      const value = lookup(name)?.trim() || undefined
      if (value) secrets.push(value)
      return value
    }
    const apiKey = spec.apiKeyEnv ? read(spec.apiKeyEnv) : undefined
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(spec.headers ?? {})) {
      const resolved = typeof value === 'string' ? value : read(value.env)
      if (resolved) headers[name] = resolved
    }
    const enabled = spec.enabled ?? true
    const hasKey = !spec.apiKeyEnv || Boolean(apiKey)
    return {
      id,
      kind: spec.kind,
      baseURL: spec.baseURL,
      apiKey,
      headers,
      configured: enabled && hasKey,
      notConfigured: !enabled
        ? (spec.disabledDetail ?? `provider ${id} is disabled`)
        : `${spec.apiKeyEnv} is not set`,
      secrets,
    }
  })
