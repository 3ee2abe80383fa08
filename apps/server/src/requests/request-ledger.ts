// One generation or routing request's row in the request log and its charge against a virtual
// key's budget, whichever API it came through. An entry is opened when the request arrives; once
// the model is chosen it checks the key's models and reserves the request's estimate; it finishes
// exactly once: when its stream's producer ends (the row from the events it emitted), or when the
// request fails or its client leaves before a stream starts. Finishing settles the reservation at
// the row's cost and queues the row (RequestLog.record): nothing waits on the database after
// admission, and each event costs a few field updates.
import { randomUUID } from 'node:crypto'
import type { Caller, StreamOptions } from '@tokenflow/api'
import type { CatalogModel } from '@tokenflow/catalog'
import { TRPCError } from '@trpc/server'
import { UnknownModelError } from '../generation/unknown-model-error'
import { budgetEstimate } from '../keys/budget-estimate'
import { BudgetExceededError } from '../keys/budget-exceeded-error'
import type { ProviderMessage } from '../providers/chat-provider'
import { messageText } from '../providers/message-text'
import type { Store } from '../store/store'
import type { CompletionInput } from '../streams/completion-input'
import type { Producer } from '../streams/stream-hub'
import type { StreamKind } from '../streams/stream-observer'
import { databaseUnavailable } from './database-unavailable'
import { type Row, streamedRow, unstreamedRow } from './request-row'
import { emptyOutput, takeEvent } from './stream-output'

export type RequestLedgerOptions = {
  store: Pick<Store, 'requests' | 'keys'>
  /** REQUEST_LOG: false keeps no rows; budgets are charged all the same. */
  record: boolean
  /** LOG_PROMPTS: the prompt and the answer are kept with the row. */
  logPrompts: boolean
}

export type LedgerRequest = {
  kind: StreamKind
  /** The model the client named; null when routing chooses. */
  requestedModel: string | null
  input: CompletionInput
  options: StreamOptions
}

export type LedgerEntry = {
  /** The candidates the caller may use; FORBIDDEN when its virtual key may use none of them. */
  allowed(candidates: CatalogModel[]): CatalogModel[]
  /** Reserves the request's estimate on `model` against the caller's budget, if it has one. */
  reserve(model: CatalogModel): Promise<void>
  /** The stream's producer, watched: the entry finishes when it does. */
  watch(sent: ProviderMessage[], producer: Producer): Producer
  /** Runs a step before the stream starts; one that fails finishes the entry as failed. */
  admit<T>(step: () => Promise<T>): Promise<T>
}

export type RequestLedger = { open(request: LedgerRequest): LedgerEntry }

const errorCodeOf = (error: unknown): string => {
  if (error instanceof UnknownModelError) return 'MODEL_NOT_FOUND'
  if (error instanceof BudgetExceededError) return 'BUDGET_EXCEEDED'
  return error instanceof TRPCError ? error.code : 'INTERNAL'
}

const promptText = (messages: ProviderMessage[]) =>
  messages.map((message) => `${message.role}: ${messageText(message)}`).join('\n\n')

const notAllowed = (caller: Caller, candidates: CatalogModel[]) => {
  const ids = candidates.map((m) => m.id).join(', ')
  const what =
    candidates.length === 1
      ? `model: ${ids} is not allowed`
      : `none of the models for this request (${ids}) is allowed`
  const allowed = caller.virtualKey?.allowedModels?.join(', ')
  return new TRPCError({
    code: 'FORBIDDEN',
    message: `${what} for this API key (it may use ${allowed})`,
  })
}

export const createRequestLedger = ({
  store,
  record,
  logPrompts,
}: RequestLedgerOptions): RequestLedger => ({
  open({ kind, requestedModel, input, options }) {
    const { caller, signal } = options
    const keyId = caller?.virtualKey ? caller.apiKeyId : null
    const time = new Date().toISOString()
    const context = {
      kind,
      requestedModel,
      startedAt: performance.now(),
      prompt: logPrompts ? promptText(input.messages) : null,
    }
    let candidates: CatalogModel[] = []
    let reservation: string | null = null
    let done = false

    const settle = (usd: number) => {
      if (!reservation || !keyId) return
      // A failed settle leaves the reservation held; the store logs the database's outage.
      store.keys.settle(keyId, reservation, usd).catch(() => {})
    }
    const finish = (row: Row) => {
      if (done) return
      done = true
      signal?.removeEventListener('abort', onAbort)
      settle(row.costUsd)
      if (!record) return
      store.requests.record({
        id: randomUUID(),
        time,
        requestId: options.requestId ?? null,
        apiKeyId: caller?.apiKeyId ?? null,
        // No caller: an in-process call through the router.
        endpoint: caller?.endpoint ?? 'trpc',
        ...row,
      })
    }
    const fail = (error: unknown) => {
      const outcome = signal?.aborted
        ? ({ status: 'aborted', errorCode: 'ABORTED' } as const)
        : ({ status: 'error', errorCode: errorCodeOf(error) } as const)
      finish(unstreamedRow(context, candidates[0], outcome))
    }
    // A client that leaves before its stream starts: the reservation is given back at once.
    const onAbort = () => fail(signal?.reason)
    signal?.addEventListener('abort', onAbort, { once: true })

    return {
      allowed(offered) {
        const only = caller?.virtualKey?.allowedModels
        candidates = only ? offered.filter((model) => only.includes(model.id)) : offered
        if (caller && only && candidates.length === 0) throw notAllowed(caller, offered)
        return candidates
      },

      async reserve(model) {
        const budgetPeriod = caller?.virtualKey?.budgetPeriod ?? null
        if (!keyId || caller?.virtualKey?.budgetUsd == null) return
        const estimateUsd = budgetEstimate(model, input)
        const reserved = await store.keys.reserve(keyId, estimateUsd).catch(databaseUnavailable)
        if (!reserved.ok) {
          const { budgetUsd, spentUsd, reservedUsd } = reserved
          throw new BudgetExceededError({
            budgetUsd,
            budgetPeriod,
            spentUsd,
            reservedUsd,
            estimateUsd,
          })
        }
        reservation = reserved.id
        // The client left while the reservation was being made: the entry has finished without it.
        if (done) {
          settle(0)
          throw new TRPCError({ code: 'CLIENT_CLOSED_REQUEST', message: 'the client went away' })
        }
      },

      watch(sent, producer) {
        signal?.removeEventListener('abort', onAbort)
        return async (control) => {
          const output = emptyOutput()
          let threw = false
          try {
            await producer({
              ...control,
              emit: (event) => {
                takeEvent(output, event, logPrompts)
                return control.emit(event)
              },
            })
          } catch (error) {
            // The hub streams it as an INTERNAL error event once this rethrows.
            threw = true
            throw error
          } finally {
            const stream = { id: control.streamId, candidates, sent, output, threw }
            finish(streamedRow(context, stream, logPrompts))
          }
        }
      },

      async admit(step) {
        try {
          return await step()
        } catch (error) {
          fail(error)
          throw error
        }
      },
    }
  },
})
