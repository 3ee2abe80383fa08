// Reads of the request log: the filters shared with the usage queries, and `list`, newest first,
// paged by an opaque keyset cursor on (time, id) so pages never repeat or skip a row.
import {
  MAX_PAGE,
  type RequestFilter,
  type RequestList,
  type RequestListInput,
  type RequestRecord,
} from '@tokenflow/api'
import type { Kysely } from 'kysely'
import type { Database } from './database'
import { fromRequestRow } from './request-rows'

const DAY_MS = 86_400_000
const DEFAULT_PAGE = 50

/** A `cursor` that no page of this log returned. */
export class InvalidCursorError extends Error {
  override name = 'InvalidCursorError'
}

/** Epoch-ms bounds, from inclusive, to exclusive: the last 24 hours unless the filter says. */
export type TimeRange = { from: number; to: number }

export const timeRange = (filter: RequestFilter, now: number): TimeRange => {
  const to = filter.to ? Date.parse(filter.to) : now
  const from = filter.from ? Date.parse(filter.from) : to - DAY_MS
  return { from, to }
}

export const filteredRequests = (db: Kysely<Database>, filter: RequestFilter, range: TimeRange) => {
  let query = db.selectFrom('requests').where('time', '>=', range.from).where('time', '<', range.to)
  if (filter.model) query = query.where('model', '=', filter.model)
  if (filter.category) query = query.where('category', '=', filter.category)
  if (filter.status) query = query.where('status', '=', filter.status)
  if (filter.apiKeyId) query = query.where('api_key_id', '=', filter.apiKeyId)
  if (filter.endpoint) query = query.where('endpoint', '=', filter.endpoint)
  return query
}

const encodeCursor = (time: number, id: string) =>
  Buffer.from(JSON.stringify([time, id])).toString('base64url')

const decodeCursor = (cursor: string): [number, string] => {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString())
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      Number.isInteger(value[0]) &&
      typeof value[1] === 'string'
    )
      return [value[0], value[1]]
  } catch {
    // Not JSON: reported below like any other foreign cursor.
  }
  throw new InvalidCursorError('invalid cursor: pass the nextCursor of the previous page')
}

export const listRequests = async (
  db: Kysely<Database>,
  input: RequestListInput,
  now: number,
): Promise<RequestList> => {
  const limit = Math.max(1, Math.min(input.limit ?? DEFAULT_PAGE, MAX_PAGE))
  let query = filteredRequests(db, input, timeRange(input, now)).selectAll()
  if (input.cursor) {
    const [time, id] = decodeCursor(input.cursor)
    query = query.where((eb) =>
      eb.or([eb('time', '<', time), eb.and([eb('time', '=', time), eb('id', '<', id)])]),
    )
  }
  const rows = await query
    .orderBy('time', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute()
  const page = rows.slice(0, limit)
  const last = page.at(-1)
  return {
    items: page.map(fromRequestRow),
    nextCursor: rows.length > limit && last ? encodeCursor(last.time, last.id) : null,
  }
}

export const getRequest = async (
  db: Kysely<Database>,
  id: string,
): Promise<RequestRecord | null> => {
  const row = await db.selectFrom('requests').selectAll().where('id', '=', id).executeTakeFirst()
  return row ? fromRequestRow(row) : null
}
