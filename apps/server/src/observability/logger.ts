// Structured JSON logs, one object per line. Secrets are redacted by key name and prompts are
// dropped unless LOG_PROMPTS is on, so a log line can be shared without leaking either.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent'
export type LogFields = Record<string, unknown>

export type Logger = {
  debug(message: string, fields?: LogFields): void
  info(message: string, fields?: LogFields): void
  warn(message: string, fields?: LogFields): void
  error(message: string, fields?: LogFields): void
  child(fields: LogFields): Logger
}

export type LoggerOptions = {
  level?: LogLevel
  logPrompts?: boolean
  /** Where lines go; stdout by default, tests collect them. */
  write?: (line: string) => void
  /** Exact strings (API keys, tokens) that must never appear in a line. */
  secrets?: string[]
}

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 }
const secretKey =
  /authorization|api[-_]?keys?$|secret|password|cookie|(^|[-_])token$|^internalToken$/i
const promptKey = /^(prompt|text|messages|content|compressed_?text|original_?text)$/i

const scrub = (value: unknown, logPrompts: boolean, depth = 0): unknown => {
  if (depth > 6 || value === null || typeof value !== 'object') return value
  if (value instanceof Error) return { name: value.name, message: value.message }
  if (Array.isArray(value)) return value.map((item) => scrub(item, logPrompts, depth + 1))
  const out: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) {
    if (secretKey.test(key)) out[key] = '[redacted]'
    else if (!logPrompts && promptKey.test(key)) out[key] = '[prompt omitted]'
    else out[key] = scrub(item, logPrompts, depth + 1)
  }
  return out
}

export const createLogger = (options: LoggerOptions = {}, bound: LogFields = {}): Logger => {
  const threshold = rank[options.level ?? 'info']
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`))
  const secrets = (options.secrets ?? []).filter((secret) => secret.length >= 4)
  const log = (level: Exclude<LogLevel, 'silent'>, message: string, fields: LogFields = {}) => {
    if (rank[level] < threshold) return
    const record = scrub(
      { time: new Date().toISOString(), level, msg: message, ...bound, ...fields },
      options.logPrompts ?? false,
    )
    let line = JSON.stringify(record)
    for (const secret of secrets) line = line.replaceAll(secret, '[redacted]')
    write(line)
  }
  return {
    debug: (message, fields) => log('debug', message, fields),
    info: (message, fields) => log('info', message, fields),
    warn: (message, fields) => log('warn', message, fields),
    error: (message, fields) => log('error', message, fields),
    child: (fields) => createLogger(options, { ...bound, ...fields }),
  }
}
