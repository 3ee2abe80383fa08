// generation.stream: one named model, no classification and no fallback (the caller chose the
// model). Compression is off unless the request asks for it ('auto' applies the default policy).
import type { CompressionService, GenerationService } from '@tokenflow/api'
import type { Catalog } from '@tokenflow/catalog'
import { TRPCError } from '@trpc/server'
import { applyCompression } from '../compression/apply-compression'
import type { ProviderRegistry } from '../providers/create-providers'
import { runCompletion, samplingOf } from '../streams/run-completion'
import { createStreamHub, type StreamHubOptions } from '../streams/stream-hub'
import { noopObserver, type StreamObserver } from '../streams/stream-observer'
import { toMessages } from './conversation'

export type GenerationServiceDeps = {
  catalog: Catalog
  providers: ProviderRegistry
  compression: CompressionService
  observer?: StreamObserver
  /** Replay buffer size and grace periods (STREAM_REPLAY_LIMIT goes to `replayLimit`). */
  streams?: StreamHubOptions
}

export const createGenerationService = (deps: GenerationServiceDeps): GenerationService => {
  const { catalog, providers, compression } = deps
  const observer = deps.observer ?? noopObserver
  const hub = createStreamHub(deps.streams)

  return {
    async *stream(input, options) {
      if (options.lastEventId) {
        yield* hub.resume(options.lastEventId, options.signal)
        return
      }
      const startedAt = performance.now()
      // Catalog ids first; a provider's own model id is accepted when only one model has it.
      const matches = catalog.models.filter(
        (m) => m.id === input.model || m.providerModelId === input.model,
      )
      const model = matches.find((m) => m.id === input.model) ?? matches[0]
      if (!model || (matches.length > 1 && model.id !== input.model)) {
        throw new TRPCError({
          code: 'BAD_REQUEST',
          message: `model: unknown model "${input.model}" (models.list shows the catalog ids)`,
        })
      }
      const status = (await providers.status())[model.provider]
      if (!status.configured) {
        throw new TRPCError({
          code: 'PRECONDITION_FAILED',
          message: `model: ${model.id} is unavailable: ${status.detail}`,
        })
      }
      const call = { signal: options.signal, requestId: options.requestId }
      const compressed = await applyCompression(
        compression,
        catalog,
        toMessages(input),
        input.compress ?? 'off',
        null,
        call,
      )
      if (options.signal?.aborted) return
      observer.streamStarted('generation')
      const id = hub.start((emit, signal, streamId) =>
        runCompletion(
          { providers, observer },
          {
            kind: 'generation',
            candidates: [model],
            messages: compressed.messages,
            sampling: samplingOf(input),
            requestId: options.requestId,
            category: null,
            strategy: null,
            compression: compressed.decision,
            savedTokens: compressed.savedTokens,
            startedAt,
          },
          emit,
          signal,
          streamId,
        ),
      )
      yield* hub.follow(id, options.signal)
    },
  }
}
