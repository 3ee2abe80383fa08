// The providers a stream may use now, and a sentence explaining the others when none is left.
import type { ProviderId } from '@tokenflow/api'
import type { ProviderStatus } from './chat-provider'
import type { ProviderStatuses } from './create-providers'

const unknown: ProviderStatus = {
  configured: false,
  reachable: false,
  detail: 'not in the provider table',
}

/** A provider's status; one the table lacks (the config check prevents it) is unconfigured. */
export const statusOf = (statuses: ProviderStatuses, id: ProviderId): ProviderStatus =>
  statuses[id] ?? unknown

export const availableProviders = (statuses: ProviderStatuses): Set<ProviderId> =>
  new Set(
    Object.entries(statuses)
      .filter(([, status]) => status.configured && status.reachable)
      .map(([id]) => id),
  )

export const explainUnavailable = (statuses: ProviderStatuses): string =>
  Object.entries(statuses)
    .map(([id, status]) => `${id}: ${status.reachable ? 'ok' : status.detail}`)
    .join('; ')
