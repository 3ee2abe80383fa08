// The ML client's POST through the result cache, for the services built with one. The body is
// the key (its operation named after the path). latency_ms is per request: a stored answer was
// not computed for this one, so it reports the time this lookup took instead. A call shared by
// identical concurrent requests carries the first one's request id.
import type { CallOptions } from '@tokenflow/api'
import type { MlClient } from '../ml/ml-client'
import type { CacheName, ResultCache } from './result-cache'

export type MlPost = <Response extends { latency_ms: number }>(
  path: string,
  body: unknown,
  options?: CallOptions,
) => Promise<Response>

export const cachedMlPost = (
  ml: Pick<MlClient, 'post'>,
  cache: ResultCache | undefined,
  name: CacheName,
): MlPost => {
  if (!cache) return (path, body, options) => ml.post(path, body, options)
  return async <Response extends { latency_ms: number }>(
    path: string,
    body: unknown,
    options?: CallOptions,
  ) => {
    const started = performance.now()
    const { value, source } = await cache.get(
      { cache: name, operation: path.slice(1).replaceAll('/', '-'), request: body },
      (signal) => ml.post<Response>(path, body, { requestId: options?.requestId, signal }),
      options?.signal,
    )
    return source === 'call' ? value : { ...value, latency_ms: performance.now() - started }
  }
}
