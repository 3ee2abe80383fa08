// Router-level behaviour through createCaller: validation errors name the field, outputs are
// checked against their schemas, subscriptions forward tracked events and stop their source.
import { TRPCError } from '@trpc/server'
import { describe, expect, it } from 'vitest'
import { ZodError } from 'zod'
import { createContext } from './context'
import { createCaller } from './root'
import type { CompressMessagesOutput, CompressOutput } from './schemas/compression'
import type { StreamEvent, TrackedEvent } from './schemas/stream-event'
import type { Services, StreamOptions } from './services'

const compressed: CompressOutput = {
  originalText: 'a b c d',
  compressedText: 'a c',
  originalTokens: 4,
  compressedTokens: 2,
  compressionRatio: 0.5,
  method: 'llmlingua',
  model: 'test',
  latencyMs: 1,
  segments: [{ text: 'a c', kept: true }],
}

const compressedMessages: CompressMessagesOutput = {
  messages: [
    {
      role: 'system',
      content: 'Be brief.',
      compressed: false,
      originalTokens: 3,
      compressedTokens: 3,
    },
    { role: 'user', content: 'a c', compressed: true, originalTokens: 4, compressedTokens: 2 },
  ],
  originalTokens: 7,
  compressedTokens: 5,
  compressionRatio: 0.7143,
  method: 'encoder',
  model: 'test',
  latencyMs: 1,
  tokenizer: 'cl100k_base',
  question: null,
}

const events: TrackedEvent[] = [
  {
    id: 's1:0',
    event: {
      type: 'metadata',
      streamId: 's1',
      model: { id: 'local/x', provider: 'local', displayName: 'X' },
      category: null,
      strategy: null,
      compression: {
        applied: false,
        reason: 'off',
        method: null,
        model: null,
        originalTokens: null,
        compressedTokens: null,
        ratio: null,
      },
      fallbacks: [],
    },
  },
  { id: 's1:1', event: { type: 'text', delta: 'Hello' } },
  { id: 's1:2', event: { type: 'text', delta: ' world' } },
]

// A caller yields tRPC's tracked envelope [id, event, marker] at run time, although its static
// type is the { id, data } shape that clients over HTTP receive.
const envelope = (item: unknown) => item as [string, StreamEvent]

const unused = () => {
  throw new Error('not used by this test')
}

const servicesWith = (overrides: Partial<Services>): Services => ({
  compression: { compress: unused, compressMessages: unused },
  classification: { classify: unused },
  generation: { stream: unused, cancel: unused },
  routing: { stream: unused, cancel: unused },
  models: { list: unused, rankings: unused },
  health: { check: unused },
  usage: { summary: unused, timeseries: unused },
  requests: { list: unused, get: unused },
  keys: { create: unused, list: unused, revoke: unused },
  ...overrides,
})

const caughtError = async (promise: Promise<unknown>): Promise<TRPCError> => {
  try {
    await promise
  } catch (error) {
    if (error instanceof TRPCError) return error
    throw error
  }
  throw new Error('expected the call to fail')
}

describe('compression.compress', () => {
  it('passes valid input to the service and returns its result', async () => {
    let received: unknown
    const caller = createCaller(
      createContext(
        servicesWith({
          compression: {
            compress: async (input) => {
              received = input
              return compressed
            },
            compressMessages: unused,
          },
        }),
      ),
    )
    await expect(caller.compression.compress({ text: 'a b c d', ratio: 0.5 })).resolves.toEqual(
      compressed,
    )
    expect(received).toEqual({ text: 'a b c d', ratio: 0.5 })
  })

  it.each([
    [{ text: '' }, 'text'],
    [{ text: 'x', ratio: 0 }, 'ratio'],
    [{ text: 'x', ratio: 1.5 }, 'ratio'],
    [{ text: 'x', method: 'zip' }, 'method'],
    [{ text: 42 }, 'text'],
    [{ text: 'x', question: '  ' }, 'question'],
  ])('rejects %j with BAD_REQUEST naming %s', async (input, field) => {
    const caller = createCaller(createContext(servicesWith({})))
    const error = await caughtError(caller.compression.compress(input as never))
    expect(error.code).toBe('BAD_REQUEST')
    expect(error.message).toContain(field)
  })

  it('refuses a service answer that breaks the output contract', async () => {
    const caller = createCaller(
      createContext(
        servicesWith({
          compression: {
            compress: async () => ({ ...compressed, compressedTokens: -1 }),
            compressMessages: unused,
          },
        }),
      ),
    )
    const error = await caughtError(caller.compression.compress({ text: 'a' }))
    expect(error.code).toBe('INTERNAL_SERVER_ERROR')
  })
})

describe('compression.compressMessages', () => {
  const conversation = [
    { role: 'system' as const, content: 'Be brief.' },
    { role: 'user' as const, content: 'a b c d', compress: true },
  ]

  it('passes the conversation and the question to the service and returns its result', async () => {
    let received: unknown
    const caller = createCaller(
      createContext(
        servicesWith({
          compression: {
            compress: unused,
            compressMessages: async (input) => {
              received = input
              return compressedMessages
            },
          },
        }),
      ),
    )
    await expect(
      caller.compression.compressMessages({
        messages: conversation,
        method: 'encoder',
        question: ' which letters? ',
      }),
    ).resolves.toEqual(compressedMessages)
    expect(received).toEqual({
      messages: conversation,
      method: 'encoder',
      question: 'which letters?',
    })
  })

  // Issue paths come from the zod error, so nested fields are named exactly.
  it.each([
    ['messages', { messages: [] }],
    ['messages.0.role', { messages: [{ role: 'bot', content: 'x' }] }],
    ['messages.0.compress', { messages: [{ role: 'user', content: 'x', compress: 'yes' }] }],
    ['messages.0.content', { messages: [{ role: 'user', content: 'x'.repeat(200_001) }] }],
    ['ratio', { messages: conversation, ratio: 0 }],
    ['method', { messages: conversation, method: 'zip' }],
    ['question', { messages: conversation, question: 'q'.repeat(4_001) }],
  ])('rejects a bad %s with BAD_REQUEST naming it', async (field, input) => {
    const caller = createCaller(createContext(servicesWith({})))
    const error = await caughtError(caller.compression.compressMessages(input as never))
    expect(error.code).toBe('BAD_REQUEST')
    const issues = error.cause instanceof ZodError ? error.cause.issues : []
    expect(issues.map((issue) => issue.path.join('.'))).toContain(field)
  })

  it('rejects conversations over the total text limit, naming messages', async () => {
    const caller = createCaller(createContext(servicesWith({})))
    const half = { role: 'user' as const, content: 'x'.repeat(100_001) }
    const error = await caughtError(caller.compression.compressMessages({ messages: [half, half] }))
    expect(error.code).toBe('BAD_REQUEST')
    expect(error.message).toContain('messages must hold at most 200000 characters in all')
  })

  it('refuses a service answer that breaks the output contract', async () => {
    const caller = createCaller(
      createContext(
        servicesWith({
          compression: {
            compress: unused,
            compressMessages: async () => ({
              ...compressedMessages,
              messages: compressedMessages.messages.map((m) => ({ ...m, compressedTokens: -1 })),
            }),
          },
        }),
      ),
    )
    const error = await caughtError(caller.compression.compressMessages({ messages: conversation }))
    expect(error.code).toBe('INTERNAL_SERVER_ERROR')
  })
})

describe('classification.classify', () => {
  it('rejects duplicate categories', async () => {
    const caller = createCaller(createContext(servicesWith({})))
    const error = await caughtError(
      caller.classification.classify({ prompt: 'hi', categories: ['a', 'a'] }),
    )
    expect(error.code).toBe('BAD_REQUEST')
    expect(error.message).toContain('categories must be unique')
  })
})

describe('generation.stream', () => {
  it('needs exactly one of prompt and messages', async () => {
    const caller = createCaller(createContext(servicesWith({})))
    const both = await caughtError(
      caller.generation.stream({
        model: 'm',
        prompt: 'hi',
        messages: [{ role: 'user', content: 'hi' }],
      }),
    )
    expect(both.code).toBe('BAD_REQUEST')
    expect(both.message).toContain('exactly one of prompt or messages')
    const noUser = await caughtError(
      caller.generation.stream({ model: 'm', messages: [{ role: 'system', content: 'be nice' }] }),
    )
    expect(noUser.message).toContain('user message')
  })

  it('yields tracked events in order and passes lastEventId and the caller to the service', async () => {
    let options: StreamOptions | undefined
    const who = { apiKeyId: 'vk_1', admin: false, endpoint: 'trpc' } as const
    const caller = createCaller(
      createContext(
        servicesWith({
          generation: {
            stream: async (_input, streamOptions) => {
              options = streamOptions
              return (async function* () {
                yield* events
              })()
            },
            cancel: unused,
          },
        }),
        'req-1',
        who,
      ),
    )
    const stream = await caller.generation.stream({
      model: 'local/x',
      prompt: 'hi',
      lastEventId: 's1:0',
    })
    const received = []
    for await (const item of stream) {
      const [id, event] = envelope(item)
      received.push({ id, type: event.type })
    }
    expect(received).toEqual([
      { id: 's1:0', type: 'metadata' },
      { id: 's1:1', type: 'text' },
      { id: 's1:2', type: 'text' },
    ])
    expect(options?.lastEventId).toBe('s1:0')
    expect(options?.requestId).toBe('req-1')
    expect(options?.caller).toEqual(who)
  })

  it('fails the subscription itself when the stream cannot start', async () => {
    const caller = createCaller(
      createContext(
        servicesWith({
          generation: {
            stream: async () => {
              throw new TRPCError({ code: 'NOT_FOUND', message: 'model: unknown model "x"' })
            },
            cancel: unused,
          },
        }),
      ),
    )
    const error = await caughtError(caller.generation.stream({ model: 'x', prompt: 'hi' }))
    expect(error.code).toBe('NOT_FOUND')
  })
})

describe('generation.cancel and routing.cancel', () => {
  it('validate the stream id and answer what the service did', async () => {
    const cancelled: string[] = []
    const cancel = async ({ streamId }: { streamId: string }) => {
      cancelled.push(streamId)
      return { cancelled: streamId === 'live' }
    }
    const caller = createCaller(
      createContext(
        servicesWith({
          generation: { stream: unused, cancel },
          routing: { stream: unused, cancel },
        }),
      ),
    )
    expect(await caller.generation.cancel({ streamId: 'live' })).toEqual({ cancelled: true })
    expect(await caller.routing.cancel({ streamId: 'gone' })).toEqual({ cancelled: false })
    expect(cancelled).toEqual(['live', 'gone'])
    expect((await caughtError(caller.routing.cancel({ streamId: '' }))).code).toBe('BAD_REQUEST')
  })
})

describe('routing.stream', () => {
  it('stops the service stream when the consumer stops', async () => {
    let cleanedUp = false
    const caller = createCaller(
      createContext(
        servicesWith({
          routing: {
            stream: async () =>
              (async function* () {
                try {
                  let seq = 0
                  while (true) {
                    yield { id: `s:${seq}`, event: { type: 'text', delta: String(seq) } }
                    seq += 1
                  }
                } finally {
                  cleanedUp = true
                }
              })(),
            cancel: unused,
          },
        }),
      ),
    )
    const stream = await caller.routing.stream({ prompt: 'hi' })
    const seen: string[] = []
    for await (const item of stream) {
      seen.push(envelope(item)[0])
      if (seen.length === 3) break
    }
    expect(seen).toEqual(['s:0', 's:1', 's:2'])
    expect(cleanedUp).toBe(true)
  })
})

describe('admin procedures (usage, requests, keys)', () => {
  const keys = {
    create: unused,
    list: async () => ({ items: [] }),
    revoke: unused,
  }
  const callerAs = (admin: boolean) =>
    createCaller(
      createContext(servicesWith({ keys }), 'req-1', {
        apiKeyId: admin ? 'static' : 'vk_1',
        admin,
        endpoint: 'trpc',
      }),
    )

  it('refuse a virtual key with FORBIDDEN', async () => {
    const error = await caughtError(callerAs(false).keys.list())
    expect(error.code).toBe('FORBIDDEN')
  })

  it('serve an admin key and an in-process caller', async () => {
    expect(await callerAs(true).keys.list()).toEqual({ items: [] })
    expect(await createCaller(createContext(servicesWith({ keys }))).keys.list()).toEqual({
      items: [],
    })
  })

  it('validate a key budget: an amount needs its period', async () => {
    const error = await caughtError(
      callerAs(true).keys.create({ name: 'team-a', budgetUsd: 5 } as never),
    )
    expect(error.code).toBe('BAD_REQUEST')
    expect(error.message).toContain('budgetPeriod')
  })
})
