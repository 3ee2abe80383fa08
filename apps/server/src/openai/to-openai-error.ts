// Maps what the gateway throws or streams to an OpenAI error and the HTTP status the SDKs turn
// into their exception classes. Stream error codes come from providers (ProviderErrorCode); an
// exhausted key budget is OpenAI's own `insufficient_quota` 429.
import type { ErrorEvent } from '@tokenflow/api'
import { TRPCError } from '@trpc/server'
import { getHTTPStatusCodeFromError } from '@trpc/server/http'
import { UnknownModelError } from '../generation/unknown-model-error'
import { BudgetExceededError } from '../keys/budget-exceeded-error'
import { retryAfterOf } from '../ml/to-trpc-error'
import { type OpenAiError, openAiError } from './openai-error'

export type Mapped = { status: number; body: OpenAiError; retryAfterS: number | null }

const streamStatus: Record<string, number> = {
  BAD_REQUEST: 400,
  RATE_LIMITED: 429,
  TIMEOUT: 504,
  // The provider's key, model id or service failed: the gateway's upstream, not the caller.
  UNAUTHORIZED: 502,
  MODEL_NOT_FOUND: 502,
  PROVIDER_ERROR: 502,
  STREAM_INTERRUPTED: 502,
  ABORTED: 499,
}

export const fromStreamError = (event: ErrorEvent): Mapped => {
  const status = streamStatus[event.code] ?? 502
  const retryAfterS =
    event.retryAfterMs !== undefined ? Math.max(1, Math.ceil(event.retryAfterMs / 1000)) : null
  return {
    status,
    body: openAiError(status, event.message, event.code),
    retryAfterS: retryAfterS ?? (status === 429 ? 1 : null),
  }
}

/** Why a stream gave no complete answer before anything was sent: its error, or its early end. */
export const failureOf = (event: ErrorEvent | undefined): Mapped =>
  event
    ? fromStreamError(event)
    : {
        status: 502,
        body: openAiError(502, 'the stream ended before an answer', 'stream_ended'),
        retryAfterS: null,
      }

// The tRPC codes of the services mean the same here; only the status families differ.
const trpcStatus: Partial<Record<TRPCError['code'], number>> = {
  PRECONDITION_FAILED: 503,
}

export const fromThrown = (error: unknown): Mapped | null => {
  if (error instanceof BudgetExceededError) {
    return {
      status: 429,
      body: {
        error: {
          message: error.message,
          type: 'insufficient_quota',
          param: null,
          code: 'insufficient_quota',
        },
      },
      retryAfterS: null,
    }
  }
  if (error instanceof UnknownModelError) {
    return {
      status: 404,
      body: openAiError(
        404,
        `The model \`${error.model}\` does not exist (GET /v1/models lists the ids)`,
        'model_not_found',
        'model',
      ),
      retryAfterS: null,
    }
  }
  if (!(error instanceof TRPCError)) return null
  const status = trpcStatus[error.code] ?? getHTTPStatusCodeFromError(error)
  const param = error.message.match(/^(possibleCategories|messages|model):/)?.[1]
  return {
    status,
    body: openAiError(
      status,
      error.message,
      error.code,
      param === 'possibleCategories' ? 'tokenflow.possible_categories' : (param ?? null),
    ),
    retryAfterS: retryAfterOf(error),
  }
}
