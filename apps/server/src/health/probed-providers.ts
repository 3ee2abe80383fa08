// The providers the ML service serves (the shipped `local` model, or any row whose baseURL lies
// under ML_SERVICE_URL) take their reachability from the ML probe while it runs, instead of
// the registry's cached check of a few seconds ago: /readyz, models.list and routing then see a
// dead ML service as a dead local model at the same probe.
import type { ProviderRegistry, ProviderStatuses } from '../providers/create-providers'
import type { ResolvedProvider } from '../providers/resolve-providers'
import type { MlProbe, MlProbeResult } from './ml-probe'

export type ProbedProvidersOptions = {
  registry: ProviderRegistry
  probe: Pick<MlProbe, 'check' | 'running'>
  /** Ids of the providers the ML service serves (servedByMl). */
  served: readonly string[]
  mlUrl: string
}

const trimSlashes = (url: string) => url.replace(/\/+$/, '')

/** The providers whose API is the ML service's. */
export const servedByMl = (providers: readonly ResolvedProvider[], mlUrl: string): string[] => {
  const base = trimSlashes(mlUrl)
  return providers
    .filter(({ baseURL }) => {
      const url = baseURL ? trimSlashes(baseURL) : ''
      return url === base || url.startsWith(`${base}/`)
    })
    .map(({ id }) => id)
}

// /ready lists each capability; the local model needs `generation` loaded, whatever the others
// do (a 503 while compression still loads leaves the chat model usable). null: no such list.
const generationLoaded = (body: string): boolean | null => {
  try {
    const ready = JSON.parse(body) as {
      capabilities?: { capability?: unknown; loaded?: unknown }[]
    }
    if (!Array.isArray(ready.capabilities)) return null
    return ready.capabilities.some((c) => c.capability === 'generation' && c.loaded === true)
  } catch {
    return null
  }
}

const fromProbe = (probe: MlProbeResult, mlUrl: string) => {
  if (probe.status === 0) {
    return { reachable: false, detail: `ML service at ${mlUrl} ${probe.body}` }
  }
  const loaded = generationLoaded(probe.body)
  if (loaded === true || (loaded === null && probe.ok)) return { reachable: true, detail: 'ok' }
  return {
    reachable: false,
    detail:
      loaded === false
        ? `ML service at ${mlUrl} has no generation model loaded`
        : `ML service at ${mlUrl} answered ${probe.status}`,
  }
}

export const withProbedProviders = ({
  registry,
  probe,
  served,
  mlUrl,
}: ProbedProvidersOptions): ProviderRegistry => {
  if (served.length === 0) return registry
  return {
    ...registry,
    async status() {
      const statuses = await registry.status()
      // Stopped (tests calling app.request): the registry's own check, as without a probe.
      if (!probe.running) return statuses
      const answer = fromProbe(await probe.check(), mlUrl)
      const merged: ProviderStatuses = { ...statuses }
      for (const id of served) {
        if (statuses[id]?.configured) merged[id] = { configured: true, ...answer }
      }
      return merged
    },
  }
}
