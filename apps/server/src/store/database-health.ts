// Whether the database answers, judged from the store's own statements rather than a probe.
// Reads and writes are judged apart (a locked SQLite file still reads): the first failure of
// either marks the database down and is logged once for that outage; a success ends it.
import type { DependencyHealth } from '@tokenflow/api'
import type { Logger } from '../observability/logger'

export type Access = 'read' | 'write'

export type DatabaseHealth = {
  succeeded(access: Access): void
  failed(access: Access, operation: string, error: unknown): void
  /** Runs one database operation and records its outcome; its error still reaches the caller. */
  track<T>(access: Access, operation: string, work: () => Promise<T>): Promise<T>
  health(droppedRows: number): DependencyHealth
}

type Outage = { since: number; operation: string; message: string }

const messageOf = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error)
  // pg reports a refused connection to several addresses as an AggregateError without a message.
  const code = (error as { code?: unknown }).code
  return error.message || (typeof code === 'string' ? code : error.name)
}

export const createDatabaseHealth = ({
  description,
  logger,
  now,
}: {
  description: string
  logger: Logger
  now: () => number
}): DatabaseHealth => {
  const outages: Record<Access, Outage | null> = { read: null, write: null }
  const succeeded = (access: Access) => {
    const outage = outages[access]
    if (!outage) return
    outages[access] = null
    logger.info('database available again', {
      database: description,
      access,
      downMs: now() - outage.since,
    })
  }
  const failed = (access: Access, operation: string, error: unknown) => {
    if (outages[access]) return
    outages[access] = { since: now(), operation, message: messageOf(error) }
    logger.error('database unavailable', { database: description, access, operation, error })
  }
  return {
    succeeded,
    failed,
    track: async (access, operation, work) => {
      try {
        const result = await work()
        succeeded(access)
        return result
      } catch (error) {
        failed(access, operation, error)
        throw error
      }
    },
    health: (droppedRows) => {
      const failing = (['write', 'read'] as const).flatMap((access) => {
        const outage = outages[access]
        return outage
          ? [
              `${access}s failing since ${new Date(outage.since).toISOString()} (${outage.operation}: ${outage.message})`,
            ]
          : []
      })
      const dropped = `${droppedRows} request log rows dropped`
      return {
        name: 'database',
        kind: 'state',
        status: failing.length > 0 ? 'down' : 'up',
        detail: [description, ...failing, dropped].join('; '),
        latencyMs: null,
      }
    },
  }
}
