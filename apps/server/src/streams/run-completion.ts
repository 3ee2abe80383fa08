// Produces one stream's events: `metadata` at once (the decision, before any provider answers),
// then tries the candidate models in order until one yields its first token (recording each
// failure as a fallback; a fallback sends `metadata` again, naming the model that answers), then
// the text deltas and `end`; or `error` when every candidate failed or the chosen one broke after
// its first token. When the readers fall behind, it stops reading from the provider until they
// catch up (the hub's buffer bound), with the provider's silence timer held meanwhile.
import type { Fallback, MetadataEvent, ModelRef, Usage } from '@tokenflow/api'
import type { CatalogModel } from '@tokenflow/catalog'
import { estimateCost, estimateSavings } from '../models/estimate-cost'
import { estimateMessageTokens, estimateTokensOfLength } from '../models/estimate-tokens'
import type { ChatDelta, Passthrough, ProviderMessage } from '../providers/chat-provider'
import type { ProviderRegistry } from '../providers/create-providers'
import { ProviderError, toProviderError } from '../providers/provider-error'
import type { StreamControl } from './stream-hub'
import type { StreamKind, StreamObserver } from './stream-observer'

export type CompletionPlan = {
  kind: StreamKind
  /** Best first; the rest are fallbacks. Never empty. */
  candidates: CatalogModel[]
  messages: ProviderMessage[]
  sampling: { temperature?: number; topP?: number; maxTokens?: number }
  /** OpenAI fields forwarded to the provider as they came (tools, stop, seed, n, ...). */
  passthrough?: Passthrough
  requestId?: string
  category: MetadataEvent['category']
  strategy: string | null
  compression: MetadataEvent['compression']
  savedTokens: number
  /** performance.now() when the request arrived: time to first token counts from here. */
  startedAt: number
}

type Sampling = CompletionPlan['sampling']

/** The sampling parameters of a generation or routing input, as providers take them. */
export const samplingOf = ({ temperature, topP, maxTokens }: Sampling): Sampling => ({
  temperature,
  topP,
  maxTokens,
})

export type CompletionDeps = { providers: ProviderRegistry; observer: StreamObserver }

export const modelRef = (model: CatalogModel): ModelRef => ({
  id: model.id,
  provider: model.provider,
  displayName: model.displayName,
})

/** What counts as the first token: answer text or the start of a tool call. */
type FirstDelta = Extract<ChatDelta, { type: 'text' | 'tool_call' }>

type Opened = {
  model: CatalogModel
  first: FirstDelta | null
  pending: ChatDelta[]
  iterator: AsyncIterator<ChatDelta>
  attempt: AbortController
  timer: NodeJS.Timeout
  /** Set while waiting for the readers: not reading is then not the provider's silence. */
  hold: { paused: boolean }
}

/** Opens the model's stream and reads up to its first token, under the provider timeout. */
const open = async (
  deps: CompletionDeps,
  model: CatalogModel,
  plan: CompletionPlan,
  signal: AbortSignal,
): Promise<Opened> => {
  const attempt = new AbortController()
  const onAbort = () => attempt.abort(signal.reason)
  signal.addEventListener('abort', onAbort, { once: true })
  let timedOut = false
  const hold = { paused: false }
  // Re-armed on every delta: a limit on silence, first token and between tokens alike.
  const timer = setTimeout(() => {
    if (hold.paused) return timer.refresh()
    timedOut = true
    attempt.abort(new Error('timeout'))
  }, deps.providers.timeoutMs)
  attempt.signal.addEventListener('abort', () => signal.removeEventListener('abort', onAbort))
  const iterator = deps.providers
    .get(model.provider)
    .stream(
      {
        model: model.providerModelId,
        messages: plan.messages,
        requestId: plan.requestId,
        passthrough: plan.passthrough,
        ...plan.sampling,
      },
      attempt.signal,
    )
    [Symbol.asyncIterator]()
  const pending: ChatDelta[] = []
  const fail = (error: unknown): never => {
    clearTimeout(timer)
    attempt.abort()
    if (signal.aborted) throw new ProviderError(model.provider, 'ABORTED', 'request aborted')
    if (timedOut) {
      throw new ProviderError(
        model.provider,
        'TIMEOUT',
        `${model.displayName} sent no token within ${deps.providers.timeoutMs} ms`,
      )
    }
    throw toProviderError(model.provider, error, 'request')
  }
  try {
    for (;;) {
      const next = await iterator.next()
      // A stream aborted after its whole body arrived ends as if it had not been aborted.
      if (next.done && attempt.signal.aborted) return fail(new Error('request aborted'))
      if (next.done) return { model, first: null, pending, iterator, attempt, timer, hold }
      timer.refresh()
      if (next.value.type === 'text' || next.value.type === 'tool_call') {
        return { model, first: next.value, pending, iterator, attempt, timer, hold }
      }
      pending.push(next.value)
    }
  } catch (error) {
    return fail(error)
  }
}

/** Deltas a stream handles before it lets the event loop serve the other connections. */
const YIELD_EVERY = 8

/** Why the hub aborted the stream: an explicit cancel or a client that did not come back. */
const abortMessage = (signal: AbortSignal): string =>
  signal.reason instanceof Error ? signal.reason.message : 'the client went away'

export const runCompletion = async (
  deps: CompletionDeps,
  plan: CompletionPlan,
  { emit, room, signal, streamId }: StreamControl,
): Promise<void> => {
  const { observer } = deps
  const fallbacks: Fallback[] = []
  const metadata = (model: CatalogModel): MetadataEvent => ({
    type: 'metadata',
    streamId,
    model: modelRef(model),
    category: plan.category,
    strategy: plan.strategy,
    compression: plan.compression,
    fallbacks: [...fallbacks],
  })
  emit(metadata(plan.candidates[0] as CatalogModel))
  let opened: Opened | null = null
  let failure: ProviderError | null = null
  let model = plan.candidates[0] as CatalogModel
  for (const candidate of plan.candidates) {
    model = candidate
    try {
      opened = await open(deps, candidate, plan, signal)
      break
    } catch (error) {
      failure = toProviderError(candidate.provider, error, 'request')
      if (signal.aborted) break
      observer.providerError(candidate.provider, failure.code)
      if (failure.code === 'UNAUTHORIZED') deps.providers.invalidate()
      const isLast = candidate === plan.candidates.at(-1)
      if (!failure.allowsFallback || isLast) break
      fallbacks.push({ model: modelRef(candidate), code: failure.code, message: failure.message })
    }
  }

  const ref = modelRef(model)
  const ended = (
    outcome: 'completed' | 'error' | 'aborted',
    usage: Usage | null,
    errorCode?: string,
  ) =>
    observer.streamEnded({
      kind: plan.kind,
      model: ref,
      outcome,
      usage,
      savedTokens: plan.savedTokens,
      errorCode,
    })
  const fail = (error: ProviderError) => {
    const aborted = signal.aborted
    const code = aborted ? 'ABORTED' : error.code
    const message = aborted ? abortMessage(signal) : error.message
    const { retryAfterMs } = error.options
    emit({
      type: 'error',
      code,
      message,
      retryable: !aborted && error.retryable,
      ...(retryAfterMs !== undefined && !aborted ? { retryAfterMs } : {}),
    })
    ended(aborted ? 'aborted' : 'error', null, code)
  }

  if (fallbacks.length > 0 || model !== plan.candidates[0]) emit(metadata(model))
  if (!opened) {
    return fail(failure ?? new ProviderError(model.provider, 'PROVIDER_ERROR', 'no model answered'))
  }

  const { iterator, attempt, timer, hold } = opened
  // Only the answer's length is kept (for a usage estimate), not the answer.
  let answerChars = 0
  let usage: Usage | null = null
  const finishReasons = new Map<number, string>()
  let firstTokenMs: number | null = null
  // Choice 0 keeps the events as they always were; other choices say which answer they are.
  const choiceOf = (choice: number) => (choice === 0 ? {} : { choice })
  /** False when the readers are a buffer behind. */
  const take = (delta: ChatDelta): boolean => {
    if (delta.type === 'usage') {
      usage = delta.usage
      return true
    }
    if (delta.type === 'finish') {
      finishReasons.set(delta.choice, delta.reason)
      return true
    }
    if (firstTokenMs === null) {
      firstTokenMs = performance.now() - plan.startedAt
      observer.firstToken(ref, firstTokenMs)
    }
    if (delta.type === 'text') {
      answerChars += delta.text.length
      return emit({ type: 'text', delta: delta.text, ...choiceOf(delta.choice) })
    }
    answerChars += delta.arguments.length
    const { type, choice, ...call } = delta
    return emit({ type: 'tool_call', ...choiceOf(choice), ...call })
  }
  const waitForReaders = async () => {
    hold.paused = true
    await room()
    hold.paused = false
    timer.refresh()
  }
  try {
    for (const delta of opened.pending) take(delta)
    if (opened.first && !take(opened.first)) await waitForReaders()
    for (let handled = 1; ; handled += 1) {
      const next = await iterator.next()
      if (next.done) break
      timer.refresh()
      if (!take(next.value)) await waitForReaders()
      if (signal.aborted) break
      // A backlog (chunks arriving faster than they are handled) would otherwise run to its end
      // in one macrotask, through promise callbacks alone, holding every other connection back.
      if (handled % YIELD_EVERY === 0) await new Promise(setImmediate)
    }
    if (attempt.signal.aborted) throw new Error('request aborted')
  } catch (error) {
    const mapped =
      attempt.signal.aborted && !signal.aborted
        ? new ProviderError(model.provider, 'TIMEOUT', `${model.displayName} stalled mid-answer`)
        : toProviderError(model.provider, error, 'stream')
    if (!signal.aborted) observer.providerError(model.provider, mapped.code)
    return fail(mapped)
  } finally {
    clearTimeout(timer)
  }

  // Providers that don't report usage get an estimate rather than zeros.
  const finalUsage: Usage = usage ?? {
    promptTokens: estimateMessageTokens(plan.messages),
    completionTokens: estimateTokensOfLength(answerChars),
    totalTokens: estimateMessageTokens(plan.messages) + estimateTokensOfLength(answerChars),
  }
  const choices = [...finishReasons]
    .sort(([a], [b]) => a - b)
    .map(([index, finishReason]) => ({ index, finishReason }))
  emit({
    type: 'end',
    finishReason: finishReasons.get(0) ?? 'unknown',
    usage: finalUsage,
    timeToFirstTokenMs: firstTokenMs,
    totalMs: performance.now() - plan.startedAt,
    costUsd: estimateCost(model, finalUsage),
    savedTokens: plan.savedTokens,
    savedUsd: estimateSavings(model, plan.savedTokens),
    ...(choices.length > 1 ? { choices } : {}),
  })
  ended('completed', finalUsage)
}
