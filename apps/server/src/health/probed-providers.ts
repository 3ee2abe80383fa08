// The providers the ML service serves (the shipped `local` model, or any row whose baseURL lies
// under one of ML_SERVICE_URL's replicas) take their reachability from the ML probe of that
// replica while it runs, instead of the registry's cached check of a few seconds ago: /readyz,
// models.list and routing then see a dead replica as a dead local model at the same probe.
import type { ProviderRegistry, ProviderStatuses } from '../providers/create-providers'
import type { ResolvedProvider } from '../providers/resolve-providers'
import type { MlProbe, MlProbeResult } from './ml-probe'

export type ProbedProvidersOptions = {
  registry: ProviderRegistry
  probe: Pick<MlProbe, 'check' | 'running'>
  /** The providers the ML service serves (servedByMl). */
  served: readonly MlServedProvider[]
}

/** A provider whose API is an ML replica's: `mlUrl` is that replica, as the ML client names it. */
export type MlServedProvider = { id: string; mlUrl: string }

const trimSlashes = (url: string) => url.replace(/\/+$/, '')

/** The providers whose API is the ML service's, each with the replica it lies under. */
export const servedByMl = (
  providers: readonly ResolvedProvider[],
  mlUrls: readonly string[],
): MlServedProvider[] =>
  providers.flatMap(({ id, baseURL }) => {
    const url = baseURL ? trimSlashes(baseURL) : ''
    const mlUrl = mlUrls.map(trimSlashes).find((base) => url === base || url.startsWith(`${base}/`))
    return mlUrl ? [{ id, mlUrl }] : []
  })

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

const fromProbe = (probe: MlProbeResult | undefined, mlUrl: string) => {
  if (!probe) return { reachable: false, detail: `ML service at ${mlUrl} is not probed` }
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
}: ProbedProvidersOptions): ProviderRegistry => {
  if (served.length === 0) return registry
  return {
    ...registry,
    async status() {
      const statuses = await registry.status()
      // Stopped (tests calling app.request): the registry's own check, as without a probe.
      if (!probe.running) return statuses
      const answers = await probe.check()
      const merged: ProviderStatuses = { ...statuses }
      for (const { id, mlUrl } of served) {
        const answer = answers.find((probed) => probed.url === mlUrl)
        if (statuses[id]?.configured) merged[id] = { configured: true, ...fromProbe(answer, mlUrl) }
      }
      return merged
    },
  }
}
