// The providers a stream may use now, and a sentence explaining the others when none is left.
import type { ProviderId } from '@tokenflow/api'
import type { ProviderStatuses } from './create-providers'

export const availableProviders = (statuses: ProviderStatuses): Set<ProviderId> =>
  new Set(
    (Object.keys(statuses) as ProviderId[]).filter(
      (id) => statuses[id].configured && statuses[id].reachable,
    ),
  )

export const explainUnavailable = (statuses: ProviderStatuses): string =>
  (Object.keys(statuses) as ProviderId[])
    .map((id) => `${id}: ${statuses[id].reachable ? 'ok' : statuses[id].detail}`)
    .join('; ')
