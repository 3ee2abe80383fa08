// A small OpenAI-compatible chat completions server for tests, benchmarks and e2e runs: each
// model can be scripted to stream, stall or fail, and every request and client abort is recorded.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { completion, errorBody, usageBody } from './chat-chunks'
import {
  countTokens,
  defaultAnswer,
  lastToolResult,
  promptTokens,
  toolResultAnswer,
} from './default-answer'
import type { FakeBehaviour, RecordedRequest } from './fake-behaviour'
import { streamAnswer, streamToolCall } from './stream-answer'
import { type ToolCall, toolCallCompletion } from './tool-call-chunks'

export type FakeProviderOptions = {
  port?: number
  host?: string
  /** Keep every request in `requests` (tests read them); a long load run turns it off. */
  record?: boolean
}

export type FakeProvider = {
  /** Base URL with the `/openai/v1` prefix; both SDKs accept it as `baseURL`. */
  url: string
  script(modelId: string, behaviour: FakeBehaviour): void
  /** Forget all scripts: every model gets the default answer again. */
  reset(): void
  requests: RecordedRequest[]
  /** How many requests the client abandoned before the response was complete. */
  aborted(): number
  /** Resolves with the time (performance.now()) of the next client abort. */
  nextAbort(): Promise<number>
  close(): Promise<void>
}

const readBody = async (req: IncomingMessage): Promise<unknown> => {
  const parts: Buffer[] = []
  for await (const part of req) parts.push(part as Buffer)
  const text = Buffer.concat(parts).toString('utf8')
  if (!text) return null
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

const sendJson = (res: ServerResponse, status: number, body: unknown, headers = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(JSON.stringify(body))
}

export const startFakeProvider = async (
  options: FakeProviderOptions = {},
): Promise<FakeProvider> => {
  const scripts = new Map<string, FakeBehaviour>()
  const record = options.record ?? true
  const requests: RecordedRequest[] = []
  const abortWaiters: Array<(at: number) => void> = []
  let abortCount = 0
  let sequence = 0

  const recordAbort = () => {
    abortCount += 1
    const at = performance.now()
    for (const resolve of abortWaiters.splice(0)) resolve(at)
  }

  const chatCompletions = async (
    req: IncomingMessage,
    res: ServerResponse,
    body: Record<string, unknown>,
    signal: AbortSignal,
  ) => {
    const model = typeof body.model === 'string' ? body.model : ''
    if (!model || !Array.isArray(body.messages)) {
      return sendJson(
        res,
        400,
        errorBody('`model` and `messages` are required', 'invalid_request_error', null),
      )
    }
    const scripted: FakeBehaviour = scripts.get(model) ?? {
      kind: 'stream',
      chunks: defaultAnswer(body.messages),
    }
    // A tool-calling model answers the tool's result in text, so one script covers a round trip.
    const toolResult = lastToolResult(body.messages)
    const behaviour: FakeBehaviour =
      scripted.kind === 'tool-call' && toolResult !== null
        ? {
            kind: 'stream',
            chunks: scripted.answer ?? toolResultAnswer(toolResult),
            delayMs: scripted.delayMs,
          }
        : scripted
    sequence += 1
    const ctx = { id: `chatcmpl-fake-${sequence}`, model, created: Math.floor(Date.now() / 1000) }
    switch (behaviour.kind) {
      case 'rate-limit':
        return sendJson(
          res,
          429,
          errorBody(`Rate limit reached for model ${model}`, 'tokens', 'rate_limit_exceeded'),
          { 'retry-after': String(behaviour.retryAfterSeconds) },
        )
      case 'unauthorized':
        return sendJson(
          res,
          401,
          errorBody('Invalid API Key', 'invalid_request_error', 'invalid_api_key'),
        )
      case 'not-found':
        return sendJson(
          res,
          404,
          errorBody(
            `The model \`${model}\` does not exist or you do not have access to it.`,
            'invalid_request_error',
            'model_not_found',
          ),
        )
      case 'server-error':
        return sendJson(
          res,
          behaviour.status ?? 500,
          errorBody('Internal server error', 'internal_server_error', null),
        )
      case 'hang':
        // Only the client going away ends this request.
        return new Promise<void>((resolve) => req.once('close', () => resolve()))
      case 'tool-call': {
        const call: ToolCall = {
          id: behaviour.id ?? `call_fake_${sequence}`,
          name: behaviour.name,
          arguments: behaviour.arguments,
        }
        if (body.stream === true) return streamToolCall(res, ctx, call, behaviour, body, signal)
        const usage = usageBody(promptTokens(body.messages), countTokens(call.arguments))
        return sendJson(res, 200, toolCallCompletion(ctx, call, usage))
      }
      case 'stream':
        if (body.stream === true) return streamAnswer(res, ctx, behaviour, body, signal)
        return sendJson(
          res,
          200,
          completion(
            ctx,
            behaviour.chunks.join(''),
            behaviour.finishReason ?? 'stop',
            usageBody(promptTokens(body.messages), countTokens(behaviour.chunks.join(''))),
          ),
        )
    }
  }

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://fake').pathname
    const abort = new AbortController()
    // `close` on the response before it finished means the client hung up on us.
    res.once('close', () => {
      if (!res.writableFinished) {
        abort.abort()
        recordAbort()
      }
    })
    const body = req.method === 'POST' ? await readBody(req) : null
    const model =
      body && typeof body === 'object' && typeof (body as { model?: unknown }).model === 'string'
        ? (body as { model: string }).model
        : null
    if (record) {
      requests.push({
        method: req.method ?? 'GET',
        path,
        model,
        headers: req.headers,
        body,
        receivedAt: performance.now(),
      })
    }
    if (req.method === 'GET' && path.endsWith('/models')) {
      const data = [...scripts.keys()].map((id) => ({ id, object: 'model', owned_by: 'fake' }))
      return sendJson(res, 200, { object: 'list', data })
    }
    if (req.method === 'POST' && path.endsWith('/chat/completions')) {
      if (body === undefined || body === null || typeof body !== 'object') {
        return sendJson(
          res,
          400,
          errorBody('request body must be a JSON object', 'invalid_request_error', null),
        )
      }
      return chatCompletions(req, res, body as Record<string, unknown>, abort.signal)
    }
    sendJson(res, 404, errorBody(`no route for ${req.method} ${path}`, 'not_found', null))
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        sendJson(res, 500, errorBody(String(error), 'internal_server_error', null))
      } else {
        res.destroy()
      }
    })
  })
  const host = options.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => resolve())
  })
  const { port } = server.address() as AddressInfo

  return {
    url: `http://${host}:${port}/openai/v1`,
    script: (modelId, behaviour) => {
      scripts.set(modelId, behaviour)
    },
    reset: () => scripts.clear(),
    requests,
    aborted: () => abortCount,
    nextAbort: () => new Promise<number>((resolve) => abortWaiters.push(resolve)),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      }),
  }
}
