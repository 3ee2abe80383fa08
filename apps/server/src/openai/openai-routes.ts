// The OpenAI-compatible API under /v1: chat completions (streamed and not) through the same
// generation and routing as tRPC and REST, and the model list. Any OpenAI SDK or framework
// switches to TokenFlow by changing its base URL.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { MetadataEvent, Services, StreamEvent, TrackedEvent } from '@tokenflow/api'
import type { Context } from 'hono'
import type { AppEnv } from '../app-env'
import { clientSignal } from '../http/client-signal'
import { requestCaller } from '../http/request-caller'
import { sseResponse } from '../http/sse-response'
import type { Passthrough } from '../providers/chat-provider'
import type { CompletionInput } from '../streams/completion-input'
import {
  type ChatCompletionRequest,
  chatCompletionRequestSchema,
  PASSTHROUGH_FIELDS,
} from './chat-completion-request'
import { chatCompletionChunkSchema, chatCompletionSchema } from './chat-completion-response'
import { createCompletionBody } from './completion-body'
import { createChunker } from './completion-chunks'
import type { Completions } from './completions'
import { decisionHeaders } from './decision-headers'
import { openAiModelListSchema, openAiModelSchema, toOpenAiModels } from './model-list'
import { openAiError, openAiErrorSchema } from './openai-error'
import { resolveModel } from './resolve-model'
import { failureOf, fromStreamError, fromThrown, type Mapped } from './to-openai-error'

export type OpenAiRoutesOptions = {
  services: Services
  completions: Completions
  onStreamError: (error: unknown) => void
}

const errorResponses = Object.fromEntries(
  [
    [400, 'A field is invalid; `param` names it.'],
    [401, 'Missing or invalid API key.'],
    [403, 'The API key may not use this model.'],
    [404, 'Unknown model.'],
    [413, 'Request body too large.'],
    [415, 'The body is not `application/json`.'],
    [
      429,
      "Rate limited (the gateway, the API key or every candidate upstream; see Retry-After), or the key's budget is exhausted (`insufficient_quota`).",
    ],
    [502, 'The provider failed.'],
    [503, 'No model is available.'],
    [504, 'The provider sent nothing in time.'],
  ].map(([status, description]) => [
    status,
    { description, content: { 'application/json': { schema: openAiErrorSchema } } },
  ]),
)

const chatCompletionsRoute = createRoute({
  method: 'post',
  path: '/chat/completions',
  summary: 'Create a chat completion (OpenAI-compatible)',
  request: {
    body: {
      required: true,
      content: { 'application/json': { schema: chatCompletionRequestSchema } },
    },
  },
  responses: {
    200: {
      description:
        'The answer: one JSON object, or with `stream: true` an event stream of chunks ending with `data: [DONE]`.',
      content: {
        'application/json': { schema: chatCompletionSchema },
        'text/event-stream': {
          schema: z.string().openapi({ description: 'data: <ChatCompletionChunk JSON> lines' }),
        },
      },
    },
    ...errorResponses,
  },
})

const listModelsRoute = createRoute({
  method: 'get',
  path: '/models',
  summary: 'List models: auto, auto:<strategy> and the catalog',
  responses: {
    200: {
      description: 'The models.',
      content: { 'application/json': { schema: openAiModelListSchema } },
    },
    401: errorResponses[401],
    429: errorResponses[429],
  },
})

const getModelRoute = createRoute({
  method: 'get',
  path: '/models/{model}',
  summary: 'Retrieve one model',
  request: {
    params: z.object({
      model: z
        .string()
        .min(1)
        .max(200)
        .openapi({ param: { name: 'model', in: 'path' } }),
    }),
  },
  responses: {
    200: {
      description: 'The model.',
      content: { 'application/json': { schema: openAiModelSchema } },
    },
    400: errorResponses[400],
    401: errorResponses[401],
    404: errorResponses[404],
    429: errorResponses[429],
  },
})

const passthroughOf = (body: ChatCompletionRequest): Passthrough => {
  const fields: Passthrough = {}
  for (const field of PASSTHROUGH_FIELDS) {
    const value = body[field]
    if (value !== undefined && value !== null) fields[field] = value
  }
  return fields
}

const inputOf = (body: ChatCompletionRequest, direct: boolean): CompletionInput => ({
  messages: body.messages,
  sampling: {
    temperature: body.temperature ?? undefined,
    topP: body.top_p ?? undefined,
    maxTokens: body.max_completion_tokens ?? body.max_tokens ?? undefined,
  },
  passthrough: passthroughOf(body),
  // As on tRPC and REST: a named model is sent as written unless asked, routing compresses by policy.
  compress: body.tokenflow?.compress ?? (direct ? 'off' : 'auto'),
})

const sendError = (c: Context<AppEnv>, mapped: Mapped, headers: Record<string, string> = {}) => {
  for (const [name, value] of Object.entries(headers)) c.header(name, value)
  if (mapped.retryAfterS !== null) c.header('Retry-After', String(mapped.retryAfterS))
  return c.json(mapped.body, mapped.status as 400)
}

const sse = (data: unknown) => `data: ${JSON.stringify(data)}\n\n`
const DONE = 'data: [DONE]\n\n'

export const createOpenAiRoutes = ({
  services,
  completions,
  onStreamError,
}: OpenAiRoutesOptions) => {
  const v1 = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (result.success) return
      const [first] = result.error.issues
      const param = first?.path.join('.') || null
      const message = result.error.issues
        .map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`)
        .join('; ')
      return c.json(openAiError(400, message, 'invalid_request', param), 400)
    },
  })

  // Documented for readers of the event stream; the route's 200 names it.
  v1.openAPIRegistry.register('ChatCompletionChunk', chatCompletionChunkSchema)

  v1.openapi(chatCompletionsRoute, async (c) => {
    const body = c.req.valid('json')
    const created = Math.floor(Date.now() / 1000)
    const signal = clientSignal(c)
    const options = { signal, requestId: c.get('requestId'), caller: requestCaller(c, 'openai') }

    let iterator: AsyncIterator<TrackedEvent>
    // An OpenAI client cannot resume a stream, so its disconnect is a cancel, not a pause.
    let cancel = (_streamId: string) => {}
    const head: StreamEvent[] = []
    let metadata: MetadataEvent | null = null
    signal.addEventListener('abort', () => metadata && cancel(metadata.streamId), { once: true })
    try {
      const choice = resolveModel(body.model)
      const direct = choice.kind === 'direct'
      const service = direct ? completions.generation : completions.routing
      cancel = (streamId) => service.cancel({ streamId })
      const input = inputOf(body, direct)
      const events = await (choice.kind === 'direct'
        ? completions.generation.streamCompletion(choice.model, input, options)
        : completions.routing.streamCompletion(
            {
              ...input,
              possibleCategories: body.tokenflow?.possible_categories,
              strategy: choice.strategy ?? body.tokenflow?.strategy,
            },
            options,
          ))
      iterator = events[Symbol.asyncIterator]()
      // Read up to the first token: the metadata decides the headers, and a failure before any
      // token can still be an HTTP error the SDKs raise as their own exception.
      for (;;) {
        const next = await iterator.next()
        if (next.done) break
        head.push(next.value.event)
        if (next.value.event.type === 'metadata') metadata = next.value.event
        if (next.value.event.type !== 'metadata') break
      }
    } catch (error) {
      const mapped = fromThrown(error)
      if (!mapped) throw error
      return sendError(c, mapped)
    }
    const last = head.at(-1)
    const headers = metadata ? decisionHeaders(metadata) : {}
    if (!metadata || !last || last.type === 'error' || last.type === 'metadata') {
      return sendError(c, failureOf(last?.type === 'error' ? last : undefined), headers)
    }
    const id = `chatcmpl-${metadata.streamId}`

    if (!body.stream) {
      const collected = createCompletionBody()
      let event: StreamEvent | undefined = last
      while (event && event.type !== 'end' && event.type !== 'error') {
        collected.add(event)
        const next = await iterator.next()
        event = next.done ? undefined : next.value.event
      }
      if (event?.type === 'end') {
        for (const [name, value] of Object.entries(headers)) c.header(name, value)
        return c.json(collected.build(id, created, metadata, event), 200)
      }
      return sendError(c, failureOf(event?.type === 'error' ? event : undefined), headers)
    }

    const chunker = createChunker(id, created, metadata.model.id)
    const streamHeaders = { ...headers, 'content-type': 'text/event-stream; charset=utf-8' }
    return sseResponse(c, { headers: streamHeaders }, async (writer) => {
      // Written as the client takes them: the next event is read only when the socket has room.
      const send = async (events: StreamEvent[]): Promise<boolean> => {
        for (const event of events) {
          if (event.type === 'error') {
            await writer.write(sse(fromStreamError(event).body))
            return false
          }
          for (const chunk of chunker(event)) await writer.write(sse(chunk))
          if (event.type === 'end') {
            await writer.write(DONE)
            return false
          }
        }
        return true
      }
      try {
        let more = await send(head)
        while (more && !signal.aborted) {
          const next = await iterator.next()
          if (next.done) {
            // Without `end` the answer is incomplete: say so instead of a made-up stop.
            await writer.write(
              sse(
                openAiError(
                  502,
                  'the stream ended before the answer finished',
                  'stream_interrupted',
                ),
              ),
            )
            break
          }
          more = await send([next.value.event])
        }
      } catch (error) {
        if (!signal.aborted) onStreamError(error)
        const mapped = fromThrown(error)
        await writer.write(sse(mapped?.body ?? openAiError(500, 'stream failed', 'internal_error')))
      } finally {
        if (signal.aborted) await iterator.return?.(undefined)
        writer.end()
      }
    }) as never
  })

  v1.openapi(listModelsRoute, async (c) => {
    const list = await services.models.list({ requestId: c.get('requestId') })
    return c.json({ object: 'list' as const, data: toOpenAiModels(list) }, 200)
  })

  v1.openapi(getModelRoute, async (c) => {
    const { model } = c.req.valid('param')
    const list = await services.models.list({ requestId: c.get('requestId') })
    const found = toOpenAiModels(list).find((entry) => entry.id === model)
    if (!found) {
      return c.json(
        openAiError(
          404,
          `The model \`${model}\` does not exist (GET /v1/models lists the ids)`,
          'model_not_found',
          'model',
        ),
        404,
      )
    }
    return c.json(found, 200)
  })

  return v1
}
