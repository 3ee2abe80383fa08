// What the gateway keeps in its database (SQLite under DATA_DIR by default, PostgreSQL with
// DATABASE_URL): the request log and the virtual keys with their budgets. createStore builds it;
// the services and the auth middleware use these interfaces only.
import type {
  DependencyHealth,
  KeyCreated,
  KeyCreateInput,
  KeyList,
  RequestList,
  RequestListInput,
  RequestRecord,
  UsageSummary,
  UsageSummaryInput,
  UsageTimeseries,
  UsageTimeseriesInput,
} from '@tokenflow/api'

export interface RequestLog {
  /**
   * Queues one row for a batched write off the request path; never throws and never waits on
   * the database (a full queue or a failing database drops rows, counted in a metric).
   */
  record(row: RequestRecord): void
  list(input: RequestListInput): Promise<RequestList>
  get(id: string): Promise<RequestRecord | null>
  summary(input: UsageSummaryInput): Promise<UsageSummary>
  timeseries(input: UsageTimeseriesInput): Promise<UsageTimeseries>
  /** Writes what is queued now (tests, shutdown). */
  flush(): Promise<void>
}

/** A virtual key as admission needs it. */
export type VirtualKey = {
  id: string
  name: string
  budgetUsd: number | null
  budgetPeriod: 'day' | 'month' | null
  requestsPerMinute: number | null
  tokensPerMinute: number | null
  allowedModels: string[] | null
}

export type Reservation =
  | { ok: true; id: string }
  | { ok: false; spentUsd: number; reservedUsd: number; budgetUsd: number }

export interface KeyStore {
  create(input: KeyCreateInput): Promise<KeyCreated>
  list(): Promise<KeyList>
  /** False when the key was already revoked or is unknown. */
  revoke(id: string): Promise<boolean>
  /** The active (not revoked) key with this secret, or null. */
  verify(secret: string): Promise<VirtualKey | null>
  /**
   * Atomically reserves `usd` against the key's budget for the current period: refused when
   * spent + reserved + usd would exceed the budget, so concurrent requests cannot overspend.
   * Keys without a budget always get a reservation.
   */
  reserve(keyId: string, usd: number): Promise<Reservation>
  /** Replaces a reservation by the real cost (once: a second settle of the same id is ignored). */
  settle(keyId: string, reservationId: string, actualUsd: number): Promise<void>
}

export type Store = {
  requests: RequestLog
  keys: KeyStore
  /** `database` (kind 'state'): up, or down with why; rows dropped so far in the detail. */
  health(): DependencyHealth
  close(): Promise<void>
}
