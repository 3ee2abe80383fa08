// Structured JSON logs, one object per line, written by pino. Secrets are redacted by key name
// (at any depth) and by value, and prompts are dropped unless LOG_PROMPTS is on, so a log line can
// be shared without leaking either.
import pino, { type DestinationStream } from 'pino'

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

// One asynchronous writer on stdout for every logger of the process: lines logged while a write is
// in flight leave together in the next one (not a write syscall per line, which a pipe makes
// synchronous), and pino writes what is still buffered when the process exits.
let stdout: DestinationStream | undefined
const stdoutLines = () => {
  stdout ??= pino.destination({ dest: 1, sync: false })
  return stdout
}

const fieldsOf = (value: unknown): Record<string, unknown> => value as Record<string, unknown>

const wrap = (logger: pino.Logger, logPrompts: boolean): Logger => ({
  debug: (message, fields) => logger.debug(fields ?? {}, message),
  info: (message, fields) => logger.info(fields ?? {}, message),
  warn: (message, fields) => logger.warn(fields ?? {}, message),
  error: (message, fields) => logger.error(fields ?? {}, message),
  // pino writes a child's fields as they are; they are scrubbed here, once.
  child: (fields) => wrap(logger.child(fieldsOf(scrub(fields, logPrompts))), logPrompts),
})

export const createLogger = (options: LoggerOptions = {}): Logger => {
  const logPrompts = options.logPrompts ?? false
  const secrets = (options.secrets ?? []).filter((secret) => secret.length >= 4)
  const { write } = options
  const destination = write
    ? { write: (line: string) => write(line.endsWith('\n') ? line.slice(0, -1) : line) }
    : stdoutLines()
  const logger = pino(
    {
      level: options.level ?? 'info',
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (fields) => fieldsOf(scrub(fields, logPrompts)),
      },
      hooks: {
        streamWrite: (line) =>
          secrets.reduce((out, secret) => out.replaceAll(secret, '[redacted]'), line),
      },
    },
    destination,
  )
  return wrap(logger, logPrompts)
}
