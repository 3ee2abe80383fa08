// The gateway's settings in the hot-path benches: the production configuration (auth on, the rate
// limiter counting every request with a limit no run reaches, access logs at `info` into a pipe)
// with the fake provider as Groq; classification and compression off (no ML service answers).
import { freePort } from '../../apps/server/test/free-port'

export const BENCH_API_KEY = 'tf-bench-key'
export const BENCH_UPSTREAM_KEY = 'gsk-bench-key'

export const productionGatewayEnv = async (
  fakeApiUrl: string,
): Promise<Record<string, string>> => ({
  GROQ_API_KEY: BENCH_UPSTREAM_KEY,
  GROQ_BASE_URL: fakeApiUrl,
  ML_SERVICE_URL: `http://127.0.0.1:${await freePort()}`,
  TOKENFLOW_API_KEYS: BENCH_API_KEY,
  RATE_LIMIT_PER_MINUTE: '100000000',
  PROVIDER_TIMEOUT_MS: '60000',
  LOG_LEVEL: 'info',
})
