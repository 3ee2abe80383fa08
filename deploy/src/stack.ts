// The whole multi-replica stack on one machine: Redis, ML replicas sharing one internal token,
// stateless gateway replicas (the real entry point) sharing both, and HAProxy in front. The CLI
// (start-stack.ts) and the black-box tests in test/ run the same thing. Only HAProxy listens on
// `host`; the parts behind it stay on 127.0.0.1.
import { randomBytes } from 'node:crypto'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from '@tokenflow/server/test/free-port'
import { type MlServiceHandle, startMlService } from '@tokenflow/server/test/ml-service'
import { type RedisServerHandle, startRedisServer } from '@tokenflow/server/test/redis-server'
import { type GatewayReplica, startGatewayReplica } from './start-gateway-replica'
import { startHaproxy } from './start-haproxy'

export type StackOptions = {
  /** Gateway replicas behind the balancer (3). */
  gateways?: number
  /** ML service replicas every gateway balances over (2). */
  mlReplicas?: number
  /** Where HAProxy listens (127.0.0.1, a free port); 0.0.0.0 serves other machines. */
  host?: string
  port?: number
  /**
   * An OpenAI-compatible base URL (the fake provider's) that every provider is pointed at, with
   * dummy keys and no local model. Unset: the real providers, configured by this process's
   * environment (GROQ_API_KEY, OPENROUTER_API_KEY, ...), plus the ML service's local model.
   */
  fakeProviderUrl?: string
  /** More settings for every gateway (RATE_LIMIT_PER_MINUTE, TOKENFLOW_API_KEYS, LOG_LEVEL, ...). */
  gatewayEnv?: Record<string, string>
}

export type Stack = {
  /** The balancer: what clients use. */
  url: string
  gateways: GatewayReplica[]
  ml: MlServiceHandle[]
  redis: RedisServerHandle
  /** Stops everything, the balancer first. */
  stop(): Promise<void>
}

type Stoppable = { stop(): Promise<void> }

/** Starts all at once; when one fails, stops the ones that started and throws its error. */
const startAll = async <T extends Stoppable>(starts: Array<() => Promise<T>>): Promise<T[]> => {
  const results = await Promise.allSettled(starts.map((start) => start()))
  const failed = results.find((result) => result.status === 'rejected')
  if (!failed) return results.map((result) => (result as PromiseFulfilledResult<T>).value)
  await stopAll(results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : [])))
  throw failed.reason
}

const stopAll = async (parts: Stoppable[]) => {
  await Promise.allSettled(parts.map((part) => part.stop()))
}

const fakeProviderEnv = (url: string): Record<string, string> => ({
  GROQ_API_KEY: 'fake-groq-key',
  GROQ_BASE_URL: url,
  OPENROUTER_API_KEY: 'fake-openrouter-key',
  OPENROUTER_BASE_URL: url,
  LOCAL_MODEL_ENABLED: 'false',
})

/** The request log and virtual keys of the one-machine stack (gitignored). */
const dataDir = resolve(dirname(fileURLToPath(import.meta.url)), '../.data')

export const startStack = async (options: StackOptions = {}): Promise<Stack> => {
  const host = options.host ?? '127.0.0.1'
  const local = '127.0.0.1'
  const token = randomBytes(16).toString('hex')
  // What has started, in order; stopped in reverse, so nothing is left behind when a part fails.
  const started: Stoppable[][] = []
  const stopStarted = async () => {
    for (const parts of started.splice(0).reverse()) await stopAll(parts)
  }
  try {
    const redis = await startRedisServer()
    started.push([redis])
    const ml = await startAll(
      Array.from(
        { length: options.mlReplicas ?? 2 },
        () => () => startMlService({ internalToken: token }),
      ),
    )
    started.push(ml)
    const env = {
      LOG_LEVEL: 'warn',
      // One SQLite file for the replicas on this machine (SQLite locks it between processes);
      // across machines, DATABASE_URL names a PostgreSQL they all share.
      DATA_DIR: dataDir,
      ...(options.fakeProviderUrl ? fakeProviderEnv(options.fakeProviderUrl) : {}),
      ...options.gatewayEnv,
      REDIS_URL: redis.url,
      ML_SERVICE_URL: ml.map((service) => service.url).join(','),
      ML_INTERNAL_TOKEN: token,
      // HAProxy is the one hop in front; its X-Forwarded-For names the client.
      TRUST_PROXY: '1',
    }
    const ports = await Promise.all(
      Array.from({ length: options.gateways ?? 3 }, () => freePort(local)),
    )
    const gateways = await startAll(
      ports.map(
        (port, index) => () =>
          startGatewayReplica({ id: `gateway-${index + 1}`, host: local, port, env }),
      ),
    )
    started.push(gateways)
    const proxy = await startHaproxy({
      host,
      port: options.port ?? (await freePort(host)),
      servers: gateways.map((gateway) => ({
        name: gateway.id,
        host: local,
        port: Number(new URL(gateway.url).port),
      })),
    })
    started.push([proxy])
    return {
      url: proxy.url,
      gateways,
      ml,
      redis,
      stop: stopStarted,
    }
  } catch (error) {
    await stopStarted()
    throw error
  }
}
