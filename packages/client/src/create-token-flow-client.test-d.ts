// The client's types come from the router: a change of an output schema in @tokenflow/api must
// show up here, or these assertions stop compiling.
import type { CompressMessagesOutput, CompressOutput, Health, StreamEvent } from '@tokenflow/api'
import type { TRPCClientError } from '@trpc/client'
import { describe, expectTypeOf, it } from 'vitest'
import { createTokenFlowClient } from './create-token-flow-client'

const client = createTokenFlowClient({ url: 'http://localhost:8000' })

describe('createTokenFlowClient types', () => {
  it('types compress with the router output', () => {
    type Result = Awaited<ReturnType<typeof client.compression.compress.mutate>>
    expectTypeOf<Result>().toEqualTypeOf<CompressOutput>()
    expectTypeOf<Result['compressedTokens']>().toEqualTypeOf<number>()
    expectTypeOf<Result['segments'][number]>().toEqualTypeOf<{ text: string; kept: boolean }>()
  })

  it('types compressMessages with the router output', () => {
    type Result = Awaited<ReturnType<typeof client.compression.compressMessages.mutate>>
    expectTypeOf<Result>().toEqualTypeOf<CompressMessagesOutput>()
    expectTypeOf<Result['question']>().toEqualTypeOf<string | null>()
    expectTypeOf<Result['messages'][number]>().toEqualTypeOf<{
      role: 'system' | 'developer' | 'user' | 'assistant' | 'tool'
      content: string
      compressed: boolean
      originalTokens: number
      compressedTokens: number
    }>()
    expectTypeOf(client.compression.compressMessages.mutate).parameter(0).toHaveProperty('question')
  })

  it('rejects inputs the router would reject', () => {
    expectTypeOf(client.compression.compress.mutate).parameter(0).toHaveProperty('text')
    // @ts-expect-error ratio is a number
    void client.compression.compress.mutate({ text: 'x', ratio: '0.5' })
    // @ts-expect-error model is required to generate
    void client.generation.stream.subscribe({ prompt: 'hi' }, {})
  })

  it('types classification scores', () => {
    type Result = Awaited<ReturnType<typeof client.classification.classify.mutate>>
    expectTypeOf<Result['scores']>().toEqualTypeOf<{ category: string; score: number }[]>()
    expectTypeOf<Result['recommendedModel']>().toEqualTypeOf<{
      id: string
      provider: string
      displayName: string
    } | null>()
  })

  it('types subscription events as the StreamEvent union', () => {
    client.routing.stream.subscribe(
      { prompt: 'hi' },
      {
        onData: (tracked) => {
          expectTypeOf(tracked.data).toEqualTypeOf<StreamEvent>()
          expectTypeOf(tracked.id).toEqualTypeOf<string>()
          if (tracked.data.type === 'end') {
            expectTypeOf(tracked.data.usage.totalTokens).toEqualTypeOf<number>()
          }
        },
        onError: (error) => {
          expectTypeOf(error).toExtend<TRPCClientError<never> | Error>()
        },
      },
    )
  })

  it('types queries', () => {
    type HealthResult = Awaited<ReturnType<typeof client.system.health.query>>
    expectTypeOf<HealthResult>().toEqualTypeOf<Health>()
    type Models = Awaited<ReturnType<typeof client.models.list.query>>
    expectTypeOf<Models['models'][number]['available']>().toEqualTypeOf<boolean>()
  })
})
