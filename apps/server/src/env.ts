// The server's configuration, parsed once from process.env (and .env when present). Nothing else
// in the server reads process.env, so every setting is documented and validated here.
import { existsSync } from 'node:fs'
import { z } from 'zod'

const booleanFlag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
    .optional()
    .transform((value) =>
      value === undefined || value === '' ? fallback : ['true', '1', 'yes'].includes(value),
    )

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value?.trim() ? value.trim() : undefined))

const list = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  )

const httpUrl = z.url({ protocol: /^https?$/ })

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback)

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(8000),
  /** This replica's name in the X-TokenFlow-Replica header and logs; default host:port. */
  REPLICA_ID: optionalString,
  /** The ML service, or its replicas comma-separated: the client balances over them. */
  ML_SERVICE_URL: z
    .string()
    .default('http://127.0.0.1:8001')
    .transform((value, context) => {
      const given = value
        .split(',')
        .map((url) => url.trim())
        .filter(Boolean)
      if (given.length === 0) context.addIssue({ code: 'custom', message: 'names no URL' })
      const urls = new Set<string>()
      for (const url of given) {
        const base = url.replace(/\/+$/, '')
        if (!httpUrl.safeParse(url).success) {
          context.addIssue({ code: 'custom', message: `"${url}" is not an http(s) URL` })
        } else if (urls.has(base)) {
          context.addIssue({ code: 'custom', message: `"${url}" is listed twice` })
        }
        urls.add(base)
      }
      return [...urls]
    }),
  /**
   * Redis shared by every gateway replica (rate limits, resumable streams, cancels, the result
   * cache); unset: all of it stays in this process.
   */
  REDIS_URL: optionalString.pipe(
    z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
      .optional(),
  ),
  ML_INTERNAL_TOKEN: optionalString,
  ML_TIMEOUT_MS: positiveInt(30_000),
  /** Consecutive ML failures that open the circuit breaker. */
  ML_BREAKER_THRESHOLD: positiveInt(5),
  /** How long the breaker stays open before it lets one probe request through. */
  ML_BREAKER_HALF_OPEN_MS: positiveInt(2_000),
  /** How often the ML service's /ready is probed; /readyz and the local provider answer from it. */
  ML_PROBE_INTERVAL_MS: positiveInt(2_000),
  /** How long one readiness probe may take before the service counts as down. */
  ML_PROBE_TIMEOUT_MS: positiveInt(1_000),
  // Provider keys (GROQ_API_KEY, OPENROUTER_API_KEY, a config file's own) are not listed here:
  // the provider table names them (`apiKeyEnv`) and reads them from `vars`.
  GROQ_BASE_URL: optionalString.pipe(z.url().optional()),
  OPENROUTER_BASE_URL: z.url().default('https://openrouter.ai/api/v1'),
  LOCAL_MODEL_ENABLED: booleanFlag(true),
  /**
   * The config file (JSON, or YAML for .yaml/.yml): providers, models, categories, rankings and
   * compression policies merged over the shipped table and catalog.
   */
  TOKENFLOW_CONFIG: optionalString,
  /** The earlier name of TOKENFLOW_CONFIG (same format), still read. */
  CATALOG_FILE: optionalString,
  /** Below this classifier confidence routing abstains (fallback or general model); 0 turns it off. */
  ROUTING_MIN_CONFIDENCE: z.coerce.number().min(0).max(1).default(0.5),
  PROVIDER_TIMEOUT_MS: positiveInt(60_000),
  STREAM_REPLAY_LIMIT: positiveInt(1_000),
  /** Bytes of events kept per stream for resume (at least STREAM_BUFFER_BYTES). */
  STREAM_REPLAY_BYTES: positiveInt(1024 * 1024),
  /** Bytes the finished streams' replay buffers hold together; past it the oldest go first. */
  STREAM_RETAINED_BYTES: positiveInt(16 * 1024 * 1024),
  /** How far a stream may run ahead of its readers before the provider is no longer read. */
  STREAM_BUFFER_BYTES: positiveInt(64 * 1024),
  /** How long a stream nobody reads keeps generating for a reconnect; 0 aborts at once. */
  STREAM_RESUME_WINDOW_MS: z.coerce.number().int().nonnegative().default(10_000),
  /** A client that reads nothing for this long is disconnected; 0 never. */
  STREAM_STALL_MS: z.coerce.number().int().nonnegative().default(30_000),
  /** A `: ping` comment after this much silence on a REST event stream; 0 turns it off. */
  SSE_HEARTBEAT_MS: z.coerce.number().int().nonnegative().default(5_000),
  TOKENFLOW_API_KEYS: list,
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().nonnegative().default(600),
  /**
   * Request tokens per caller per minute, estimated from the body size (4 bytes a token; the
   * completion's tokens are not counted); 0: no limit.
   */
  RATE_LIMIT_TOKENS_PER_MINUTE: z.coerce.number().int().nonnegative().default(0),
  /** Wrong API keys per client address per minute before that address gets 429; 0: no limit. */
  AUTH_FAILURE_LIMIT: z.coerce.number().int().nonnegative().default(20),
  /**
   * Reverse proxies in front of the gateway whose X-Forwarded-For entries are trusted for the
   * client address (`true` means 1); 0 or `false`: the socket's address, the header ignored.
   */
  TRUST_PROXY: z
    .preprocess((value) => {
      const flag = typeof value === 'string' ? value.trim().toLowerCase() : value
      return flag === undefined || flag === '' || flag === 'false' ? 0 : flag === 'true' ? 1 : flag
    }, z.coerce.number().int().nonnegative())
    .default(0),
  CORS_ORIGINS: list.transform((origins) =>
    origins.length > 0 ? origins : ['http://localhost:3000', 'http://127.0.0.1:3000'],
  ),
  BODY_LIMIT_BYTES: positiveInt(1_048_576),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  /** Logs prompt and answer text, and keeps it with each request log row. */
  LOG_PROMPTS: booleanFlag(false),
  /**
   * The database of the request log and the virtual keys: PostgreSQL, or a SQLite file (`sqlite:`
   * or `file:`); unset: SQLite in DATA_DIR.
   */
  DATABASE_URL: optionalString.pipe(
    z
      .string()
      .regex(
        /^(postgres|postgresql|sqlite|file):/,
        'must be a postgres://, postgresql://, sqlite: or file: URL',
      )
      .optional(),
  ),
  /** Where the default SQLite database lives, relative to the working directory. */
  DATA_DIR: z.string().trim().min(1).default('./data'),
  /** One row per generation and routing request in the database; false keeps none. */
  REQUEST_LOG: booleanFlag(true),
  /** How long a compression or classification result is reused, in memory and Redis; 0: no cache. */
  CACHE_TTL_S: z.coerce.number().int().nonnegative().default(3_600),
  /** Results the in-process cache holds at most (least recently used go first). */
  CACHE_MAX_ENTRIES: positiveInt(10_000),
})

export type Env = z.infer<typeof envSchema> & {
  /**
   * Every variable as given, for the provider table's `apiKeyEnv` and header `env` lookups: a
   * provider added in the config file names its own variable, unknown to this schema.
   */
  vars: Readonly<Record<string, string | undefined>>
}

export class EnvError extends Error {
  override name = 'EnvError'
}

/** Parses a raw environment; throws an EnvError naming every bad variable. */
export const parseEnv = (raw: Record<string, string | undefined>): Env => {
  const result = envSchema
    .refine((env) => !(env.TOKENFLOW_CONFIG && env.CATALOG_FILE), {
      path: ['CATALOG_FILE'],
      message: 'set TOKENFLOW_CONFIG or its old name CATALOG_FILE, not both',
    })
    .safeParse(raw)
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`)
    throw new EnvError(`invalid environment:\n${lines.join('\n')}`)
  }
  return { ...result.data, vars: { ...raw } }
}

/** The config file and the variable that named it, when one is set. */
export const configFileOf = (env: Pick<Env, 'TOKENFLOW_CONFIG' | 'CATALOG_FILE'>) => {
  if (env.TOKENFLOW_CONFIG) return { path: env.TOKENFLOW_CONFIG, variable: 'TOKENFLOW_CONFIG' }
  if (env.CATALOG_FILE) return { path: env.CATALOG_FILE, variable: 'CATALOG_FILE' }
  return undefined
}

/** Reads .env (when the file exists; real environment variables win) and parses process.env. */
export const loadEnv = (envFile = '.env'): Env => {
  if (existsSync(envFile)) process.loadEnvFile(envFile)
  return parseEnv(process.env)
}
