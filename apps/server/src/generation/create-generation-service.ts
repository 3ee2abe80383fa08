// generation.stream: one named model, no classification and no fallback (the caller chose the
// model). Compression is off unless the request asks for it ('auto' applies the default policy).
// The request is admitted (the key's models and budget) before the stream is returned, so a
// refusal is an error status on every API; the ledger records it however it ends.
import type {
  CompressionService,
  GenerationService,
  StreamOptions,
  TrackedEvent,
} from '@tokenflow/api'
import type { Catalog, CatalogModel } from '@tokenflow/catalog'
import { TRPCError } from '@trpc/server'
import { applyCompression } from '../compression/apply-compression'
import { statusOf } from '../providers/available-providers'
import type { ProviderRegistry } from '../providers/create-providers'
import type { LedgerEntry, RequestLedger } from '../requests/request-ledger'
import type { CompletionInput } from '../streams/completion-input'
import { followCompletion } from '../streams/follow-completion'
import { samplingOf } from '../streams/run-completion'
import { createStreamHub, type StreamHubOptions } from '../streams/stream-hub'
import { noopObserver, type StreamObserver } from '../streams/stream-observer'
import { toMessages } from './conversation'
import { UnknownModelError } from './unknown-model-error'

export type GenerationServiceDeps = {
  catalog: Catalog
  providers: ProviderRegistry
  compression: CompressionService
  /** Every request's row in the request log and its charge to a virtual key's budget. */
  ledger: RequestLedger
  observer?: StreamObserver
  /** Buffer bounds and the resume window (the STREAM_* settings). */
  streams?: StreamHubOptions
}

export type DirectGeneration = GenerationService & {
  /** One named model for any API's request; the tRPC/REST `stream` is this with plain messages. */
  streamCompletion(
    model: string,
    input: CompletionInput,
    options: StreamOptions,
  ): Promise<AsyncGenerator<TrackedEvent>>
}

export const createGenerationService = (deps: GenerationServiceDeps): DirectGeneration => {
  const { catalog, providers, compression, ledger } = deps
  const observer = deps.observer ?? noopObserver
  const hub = createStreamHub(deps.streams)

  /** The catalog model and a configured provider, or the error that stops the request. */
  const resolveModel = async (modelId: string): Promise<CatalogModel> => {
    // Catalog ids first; a provider's own model id is accepted when only one model has it.
    const matches = catalog.models.filter((m) => m.id === modelId || m.providerModelId === modelId)
    const model = matches.find((m) => m.id === modelId) ?? matches[0]
    if (!model || (matches.length > 1 && model.id !== modelId)) {
      throw new UnknownModelError(modelId)
    }
    const status = statusOf(await providers.status(), model.provider)
    if (!status.configured) {
      throw new TRPCError({
        code: 'PRECONDITION_FAILED',
        message: `model: ${model.id} is unavailable: ${status.detail}`,
      })
    }
    return model
  }

  async function* generate(
    model: CatalogModel,
    input: CompletionInput,
    options: StreamOptions,
    startedAt: number,
    entry: LedgerEntry,
  ): AsyncGenerator<TrackedEvent> {
    const call = { signal: options.signal, requestId: options.requestId }
    const compressed = await entry.admit(() =>
      applyCompression(compression, catalog, input.messages, input.compress ?? 'off', null, call),
    )
    // The entry has finished as aborted already (the client left).
    if (options.signal?.aborted) return
    yield* followCompletion(
      hub,
      { providers, observer },
      entry,
      {
        kind: 'generation',
        candidates: [model],
        messages: compressed.messages,
        sampling: input.sampling,
        passthrough: input.passthrough,
        requestId: options.requestId,
        category: null,
        strategy: null,
        compression: compressed.decision,
        savedTokens: compressed.savedTokens,
        startedAt,
      },
      options,
    )
  }

  const streamCompletion = async (
    modelId: string,
    input: CompletionInput,
    options: StreamOptions,
  ): Promise<AsyncGenerator<TrackedEvent>> => {
    if (options.lastEventId) return hub.resume(options.lastEventId, options.signal)
    const startedAt = performance.now()
    const entry = ledger.open({ kind: 'generation', requestedModel: modelId, input, options })
    const model = await entry.admit(async () => {
      const resolved = await resolveModel(modelId)
      entry.allowed([resolved])
      await entry.reserve(resolved)
      return resolved
    })
    return generate(model, input, options, startedAt, entry)
  }

  return {
    streamCompletion,
    stream: (input, options) =>
      streamCompletion(
        input.model,
        { messages: toMessages(input), sampling: samplingOf(input), compress: input.compress },
        options,
      ),
    cancel: async ({ streamId }) => ({ cancelled: await hub.cancel(streamId) }),
  }
}
