// What the logs must never show: every key and secret header value the provider table read from
// the environment, plus the gateway's own API keys and the ML service token. Built from the
// table, so a provider added by a config file is redacted without anyone listing its key.
import type { Env } from '../env'
import type { ResolvedProvider } from './resolve-providers'

export const logSecrets = (
  env: Pick<Env, 'TOKENFLOW_API_KEYS' | 'ML_INTERNAL_TOKEN'>,
  providers: readonly ResolvedProvider[],
): string[] => [
  ...new Set(
    [
      ...env.TOKENFLOW_API_KEYS,
      env.ML_INTERNAL_TOKEN,
      ...providers.flatMap((provider) => provider.secrets),
    ].filter((value): value is string => Boolean(value)),
  ),
]
