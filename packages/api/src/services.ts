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
import type { ModelList, Rankings } from './schemas/models'
import type { TrackedEvent } from './schemas/stream-event'

export type CallOptions = {
  signal?: AbortSignal
  requestId?: string
}

export type StreamOptions = CallOptions & {
  /** Id of the last event the client saw; the stream resumes after it. */
  lastEventId?: string | null
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

export type Services = {
  compression: CompressionService
  classification: ClassificationService
  generation: GenerationService
  routing: RoutingService
  models: ModelService
  health: HealthService
}
