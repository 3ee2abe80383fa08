// What the procedures need from the outside world. apps/server implements these; tests may pass
// their own. The router never imports a server-only module.
import type { CancelInput, CancelOutput } from './schemas/cancel'
import type { ClassifyInput, ClassifyOutput } from './schemas/classification'
import type {
  CompressInput,
  CompressMessagesInput,
  CompressMessagesOutput,
  CompressOutput,
} from './schemas/compression'
import type { GenerateInput, RouteInput } from './schemas/generation'
import type { Health } from './schemas/health'
import type {
  BudgetPeriod,
  KeyCreated,
  KeyCreateInput,
  KeyList,
  KeyRevoked,
  KeyRevokeInput,
} from './schemas/keys'
import type { ModelList, Rankings } from './schemas/models'
import type {
  Endpoint,
  RequestGetInput,
  RequestList,
  RequestListInput,
  RequestRecord,
} from './schemas/requests'
import type { TrackedEvent } from './schemas/stream-event'
import type {
  UsageSummary,
  UsageSummaryInput,
  UsageTimeseries,
  UsageTimeseriesInput,
} from './schemas/usage'

/** Who a request comes from, as the gateway's auth saw it. */
export type Caller = {
  /** The virtual key's id or the short hash of a static key; null with auth off. */
  apiKeyId: string | null
  /** Static keys (TOKENFLOW_API_KEYS) and auth off are admins; virtual keys are not. */
  admin: boolean
  endpoint: Endpoint
  /** A virtual key's budget and models, which the streaming services hold its requests to. */
  virtualKey?: {
    budgetUsd: number | null
    budgetPeriod: BudgetPeriod | null
    /** Catalog ids the key may use; null: every model. */
    allowedModels: string[] | null
  }
}

export type CallOptions = {
  signal?: AbortSignal
  requestId?: string
}

export type StreamOptions = CallOptions & {
  /** Id of the last event the client saw; the stream resumes after it. */
  lastEventId?: string | null
  /** Whose request it is: logged with it, and held to that key's budget and models. */
  caller?: Caller
}

export interface CompressionService {
  compress(input: CompressInput, options?: CallOptions): Promise<CompressOutput>
  compressMessages(
    input: CompressMessagesInput,
    options?: CallOptions,
  ): Promise<CompressMessagesOutput>
}

export interface ClassificationService {
  classify(input: ClassifyInput, options?: CallOptions): Promise<ClassifyOutput>
}

/**
 * A streaming service. `stream` rejects before any event when the request cannot start (an
 * unknown model or category, a provider that is not configured), so every API can answer that
 * as an error status instead of an event stream; `cancel` aborts a running stream's upstream.
 */
export interface StreamingService<Input> {
  stream(input: Input, options: StreamOptions): Promise<AsyncIterable<TrackedEvent>>
  cancel(input: CancelInput): Promise<CancelOutput>
}

export type GenerationService = StreamingService<GenerateInput>

export type RoutingService = StreamingService<RouteInput>

export interface ModelService {
  list(options?: CallOptions): Promise<ModelList>
  rankings(options?: CallOptions): Promise<Rankings>
}

export interface HealthService {
  check(options?: CallOptions): Promise<Health>
}

export interface UsageService {
  summary(input: UsageSummaryInput, options?: CallOptions): Promise<UsageSummary>
  timeseries(input: UsageTimeseriesInput, options?: CallOptions): Promise<UsageTimeseries>
}

export interface RequestLogService {
  list(input: RequestListInput, options?: CallOptions): Promise<RequestList>
  /** Rejects with NOT_FOUND for an unknown id. */
  get(input: RequestGetInput, options?: CallOptions): Promise<RequestRecord>
}

export interface KeyService {
  create(input: KeyCreateInput, options?: CallOptions): Promise<KeyCreated>
  list(options?: CallOptions): Promise<KeyList>
  revoke(input: KeyRevokeInput, options?: CallOptions): Promise<KeyRevoked>
}

export type Services = {
  compression: CompressionService
  classification: ClassificationService
  generation: GenerationService
  routing: RoutingService
  models: ModelService
  health: HealthService
  usage: UsageService
  requests: RequestLogService
  keys: KeyService
}
