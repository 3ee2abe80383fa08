// A planned completion started on a service's hub and followed by its caller: the request-log
// entry watches the producer, and the stream is kept for a resume only when its client can
// resume (tRPC clients hold event ids; REST and OpenAI-compatible ones do not).
import type { StreamOptions, TrackedEvent } from '@tokenflow/api'
import type { LedgerEntry } from '../requests/request-ledger'
import { type CompletionDeps, type CompletionPlan, runCompletion } from './run-completion'
import type { StreamHub } from './stream-hub'

export const followCompletion = (
  hub: StreamHub,
  deps: CompletionDeps,
  entry: LedgerEntry,
  plan: CompletionPlan,
  options: StreamOptions,
): AsyncGenerator<TrackedEvent> => {
  deps.observer.streamStarted(plan.kind)
  const id = hub.start(
    entry.watch(plan.messages, (control) => runCompletion(deps, plan, control)),
    // No caller: a direct call, kept for a resume.
    { resumable: (options.caller?.endpoint ?? 'trpc') === 'trpc' },
  )
  return hub.follow(id, options.signal)
}
