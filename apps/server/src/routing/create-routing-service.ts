// routing.stream: classify the latest user turn, compress by policy, pick the best available
// model for the category and strategy, and stream it with fallback to the next ranked model.
//
// One candidate category (possibleCategories of length 1) means no classifier call: the
// category is known, so the ML service is not asked. Below minConfidence the decision abstains:
// the category's fallback model, else the general models, serve the request (abstention.ts).
// A virtual key's request is routed among the models it may use, and admitted against its budget
// at the decision, before any provider is called; the ledger records it however it ends.
import type {
  ClassificationService,
  CompressionService,
  MetadataEvent,
  RoutingService,
  Strategy,
  StreamOptions,
  TrackedEvent,
} from '@tokenflow/api'
import type { Catalog, CatalogModel } from '@tokenflow/catalog'
import { TRPCError } from '@trpc/server'
import { abstains, abstentionReason } from '../classification/abstention'
import { applyCompression } from '../compression/apply-compression'
import { latestUserTurn, toMessages } from '../generation/conversation'
import { availableProviders, explainUnavailable } from '../providers/available-providers'
import type { ProviderRegistry } from '../providers/create-providers'
import type { LedgerEntry, RequestLedger } from '../requests/request-ledger'
import type { CompletionInput } from '../streams/completion-input'
import { followCompletion } from '../streams/follow-completion'
import { samplingOf } from '../streams/run-completion'
import { createStreamHub, type StreamHubOptions } from '../streams/stream-hub'
import { noopObserver, type StreamObserver } from '../streams/stream-observer'
import { selectAbstainedModels, selectModels } from './select-models'

export type RoutingServiceDeps = {
  catalog: Catalog
  providers: ProviderRegistry
  classification: ClassificationService
  compression: CompressionService
  /** Every request's row in the request log and its charge to a virtual key's budget. */
  ledger: RequestLedger
  observer?: StreamObserver
  streams?: StreamHubOptions
  /** Below this classifier confidence the category is not trusted (ROUTING_MIN_CONFIDENCE). */
  minConfidence: number
}

/** Without a strategy the catalog's rank order decides, as in the seed. */
export const DEFAULT_STRATEGY = 'quality'

type Category = NonNullable<MetadataEvent['category']>
type Classified = Omit<Category, 'abstained' | 'reason'>

const classify = async (
  classification: ClassificationService,
  prompt: string,
  categories: string[],
  options: StreamOptions,
): Promise<Classified> => {
  const [only] = categories
  if (categories.length === 1 && only) {
    return {
      id: only,
      confidence: 1,
      calibrated: false,
      scores: [{ category: only, score: 1 }],
      method: 'single-candidate',
      model: 'none',
    }
  }
  try {
    const result = await classification.classify(
      { prompt, categories },
      { signal: options.signal, requestId: options.requestId },
    )
    return {
      id: result.topCategory,
      confidence: result.confidence,
      calibrated: result.calibrated,
      scores: result.scores,
      method: result.method,
      model: result.model,
    }
  } catch (error) {
    if (options.signal?.aborted) throw error
    // Routing still works without the classifier: general text is the safest guess.
    const fallback = categories.includes('text-to-text') ? 'text-to-text' : (categories[0] ?? '')
    const reason = error instanceof Error ? error.message : String(error)
    return {
      id: fallback,
      confidence: 0,
      calibrated: false,
      scores: [],
      method: `fallback: classifier unavailable (${reason})`,
      model: 'none',
    }
  }
}

export type RoutedCompletionInput = CompletionInput & {
  possibleCategories?: string[]
  strategy?: Strategy
}

export type Routing = RoutingService & {
  /** Routing for any API's request; the tRPC/REST `stream` is this with plain messages. */
  streamCompletion(
    input: RoutedCompletionInput,
    options: StreamOptions,
  ): Promise<AsyncGenerator<TrackedEvent>>
}

export const createRoutingService = (deps: RoutingServiceDeps): Routing => {
  const { catalog, providers, classification, compression, ledger, minConfidence } = deps
  const observer = deps.observer ?? noopObserver
  const hub = createStreamHub(deps.streams)

  const streamCompletion = async (
    input: RoutedCompletionInput,
    options: StreamOptions,
  ): Promise<AsyncGenerator<TrackedEvent>> => {
    if (options.lastEventId) return hub.resume(options.lastEventId, options.signal)
    const startedAt = performance.now()
    const entry = ledger.open({ kind: 'routing', requestedModel: null, input, options })
    const categories = input.possibleCategories ?? catalog.categories.map((c) => c.id)
    const unknown = categories.filter((id) => !catalog.rankings[id])
    if (unknown.length > 0) {
      await entry.admit(async () => {
        throw new TRPCError({
          code: 'BAD_REQUEST',
          message: `possibleCategories: unknown ${unknown.join(', ')} (known: ${Object.keys(catalog.rankings).join(', ')})`,
        })
      })
    }
    return route(input, categories, options, startedAt, entry)
  }

  async function* route(
    input: RoutedCompletionInput,
    categories: string[],
    options: StreamOptions,
    startedAt: number,
    entry: LedgerEntry,
  ): AsyncGenerator<TrackedEvent> {
    const admitted = await entry.admit(async () => {
      const { messages } = input
      const [classified, statuses] = await Promise.all([
        classify(classification, latestUserTurn(messages), categories, options),
        providers.status(),
      ])
      const strategy = input.strategy ?? DEFAULT_STRATEGY
      const abstained = abstains(classified.confidence, minConfidence)
      const select = abstained ? selectAbstainedModels : selectModels
      const available = select(catalog, classified.id, strategy, availableProviders(statuses))
      if (available.length === 0) {
        throw new TRPCError({
          code: 'PRECONDITION_FAILED',
          message: `no available model for category ${classified.id} (${explainUnavailable(statuses)})`,
        })
      }
      const candidates = entry.allowed(available)
      const category: Category = {
        ...classified,
        abstained,
        reason: abstained
          ? abstentionReason(catalog, {
              categoryId: classified.id,
              confidence: classified.confidence,
              minConfidence,
              modelId: candidates[0]?.id,
            })
          : null,
      }
      const compressed = await applyCompression(
        compression,
        catalog,
        messages,
        input.compress ?? 'auto',
        category.id,
        { signal: options.signal, requestId: options.requestId },
      )
      // The entry has finished as aborted already (the client left).
      if (options.signal?.aborted) return null
      await entry.reserve(candidates[0] as CatalogModel)
      return { candidates, category, strategy, compressed }
    })
    if (!admitted) return
    const { candidates, category, strategy, compressed } = admitted
    yield* followCompletion(
      hub,
      { providers, observer },
      entry,
      {
        kind: 'routing',
        candidates,
        messages: compressed.messages,
        sampling: input.sampling,
        passthrough: input.passthrough,
        requestId: options.requestId,
        category,
        strategy,
        compression: compressed.decision,
        savedTokens: compressed.savedTokens,
        startedAt,
      },
      options,
    )
  }

  return {
    streamCompletion,
    stream: (input, options) =>
      streamCompletion(
        {
          messages: toMessages(input),
          sampling: samplingOf(input),
          compress: input.compress,
          possibleCategories: input.possibleCategories,
          strategy: input.strategy,
        },
        options,
      ),
    cancel: async ({ streamId }) => ({ cancelled: await hub.cancel(streamId) }),
  }
}
