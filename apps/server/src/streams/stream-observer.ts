// What the generation and routing streams report as they run, so metrics live outside this
// folder: the server implements it with prom-client; tests and benchmarks pass `noopObserver`.
import type { ModelRef, ProviderId, Usage } from '@tokenflow/api'

export type StreamKind = 'generation' | 'routing'

export type StreamOutcome = 'completed' | 'error' | 'aborted'

export type StreamEndResult = {
  kind: StreamKind
  model: ModelRef | null
  outcome: StreamOutcome
  usage: Usage | null
  savedTokens: number
  errorCode?: string
}

export interface StreamObserver {
  streamStarted(kind: StreamKind): void
  firstToken(model: ModelRef, ms: number): void
  streamEnded(result: StreamEndResult): void
  providerError(provider: ProviderId, code: string): void
}

export const noopObserver: StreamObserver = {
  streamStarted() {},
  firstToken() {},
  streamEnded() {},
  providerError() {},
}
