// The SSE side of the fake: a scripted text stream or tool call written chunk by chunk, paced,
// cut or abandoned as the script says, ending with the finish chunk, usage and `[DONE]`.
import type { ServerResponse } from 'node:http'
import { type ChunkContext, chunk, sseData, usageBody, usageChunk } from './chat-chunks'
import { countTokens, promptTokens } from './default-answer'
import type { StreamBehaviour, ToolCallBehaviour } from './fake-behaviour'
import {
  splitArguments,
  type ToolCall,
  toolCallArgumentsDelta,
  toolCallStartDelta,
} from './tool-call-chunks'

// The abort listener is removed when the timer fires: one stream sleeps once per chunk on the same
// signal, and listeners left behind made every chunk slower than the last (and warned of a leak).
const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (ms <= 0 || signal.aborted) return resolve()
    const onAbort = () => {
      clearTimeout(timer)
      resolve()
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal.addEventListener('abort', onAbort, { once: true })
  })

/**
 * Writes a chunk and, when the client is not reading, waits until it does (or goes away): a real
 * provider's TCP stream stalls there too, so a gateway that stops reading holds the fake back
 * instead of making it buffer the whole answer.
 */
const send = (res: ServerResponse, data: string): Promise<void> | undefined => {
  if (res.write(data) || res.destroyed) return undefined
  return new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done)
      res.off('close', done)
      resolve()
    }
    res.on('drain', done)
    res.on('close', done)
  })
}

const openStream = (res: ServerResponse, ctx: ChunkContext) => {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-request-id': ctx.id,
  })
  res.flushHeaders()
}

const endStream = (
  res: ServerResponse,
  ctx: ChunkContext,
  body: Record<string, unknown>,
  finishReason: string,
  completionTokens: number,
  omitUsage = false,
) => {
  const usage = usageBody(promptTokens(body.messages), completionTokens)
  const options = body.stream_options as { include_usage?: boolean } | undefined
  const openAiUsage = options?.include_usage === true && !omitUsage
  // Groq reports usage on the last chunk under `x_groq` without being asked; OpenAI-style
  // servers send a separate choice-less chunk when `stream_options.include_usage` is set.
  const last = chunk(ctx, {}, finishReason)
  const groqUsage = !openAiUsage && !omitUsage
  res.write(sseData(groqUsage ? { ...last, x_groq: { id: ctx.id, usage } } : last))
  if (openAiUsage) res.write(sseData(usageChunk(ctx, usage)))
  res.end(sseData('[DONE]'))
}

export const streamAnswer = async (
  res: ServerResponse,
  ctx: ChunkContext,
  behaviour: StreamBehaviour,
  body: Record<string, unknown>,
  signal: AbortSignal,
) => {
  openStream(res, ctx)
  res.write(sseData(chunk(ctx, { role: 'assistant', content: '' })))
  await sleep(behaviour.firstTokenDelayMs ?? 0, signal)
  let sent = 0
  let flushed: Promise<unknown> = Promise.resolve()
  const cut = async () => {
    // Let the chunks already written reach the client, then drop the connection uncleanly.
    await flushed
    res.socket?.destroy()
  }
  for (const delta of behaviour.chunks) {
    if (signal.aborted) return
    if (behaviour.cutAfter !== undefined && sent >= behaviour.cutAfter) return cut()
    if (sent > 0) await sleep(behaviour.delayMs ?? 0, signal)
    // Unpaced, a long answer would otherwise be written in one go, starving every other
    // connection of this process for as long as the socket takes it.
    if (sent > 0 && sent % 16 === 0 && !behaviour.delayMs) await new Promise(setImmediate)
    if (signal.aborted) return
    const data = sseData(chunk(ctx, { content: delta }))
    if (behaviour.cutAfter === undefined) await send(res, data)
    else flushed = new Promise((resolve) => res.write(data, resolve))
    sent += 1
  }
  if (behaviour.cutAfter !== undefined && sent >= behaviour.cutAfter) return cut()
  const tokens = countTokens(behaviour.chunks.join(''))
  endStream(res, ctx, body, behaviour.finishReason ?? 'stop', tokens, behaviour.omitUsage)
}

export const streamToolCall = async (
  res: ServerResponse,
  ctx: ChunkContext,
  call: ToolCall,
  behaviour: ToolCallBehaviour,
  body: Record<string, unknown>,
  signal: AbortSignal,
) => {
  openStream(res, ctx)
  res.write(sseData(chunk(ctx, toolCallStartDelta(call))))
  for (const slice of splitArguments(call.arguments, behaviour.chunks ?? 3)) {
    await sleep(behaviour.delayMs ?? 0, signal)
    if (signal.aborted) return
    res.write(sseData(chunk(ctx, toolCallArgumentsDelta(slice))))
  }
  endStream(res, ctx, body, 'tool_calls', countTokens(call.arguments))
}
