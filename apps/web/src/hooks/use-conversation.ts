// A conversation of streamed answers: each send opens one subscription whose events fold into
// the newest turn; Stop unsubscribes, which closes the EventSource and cancels the upstream call.
import type { ChatMessage, StreamEvent } from '@tokenflow/api'
import { useCallback, useEffect, useRef, useState } from 'react'
import { describeError } from '../lib/describe-error'
import {
  initialStreamState,
  isFinished,
  type StreamAction,
  type StreamState,
  streamReducer,
} from '../lib/stream-state'

export type Turn = { id: number; prompt: string; stream: StreamState }

/** The part of tRPC's connection state this hook reads. */
export type ConnectionState = { state: 'idle' | 'connecting' | 'pending'; error: unknown }

export type StreamHandlers = {
  onData: (value: { id: string; data: StreamEvent }) => void
  onError: (error: unknown) => void
  onComplete: () => void
  onConnectionStateChange: (state: ConnectionState) => void
}

export type Subscribe<TInput> = (
  input: TInput,
  handlers: StreamHandlers,
) => { unsubscribe: () => void }

// Reconnects after a dropped connection are fine; this many failures in a row are not.
const MAX_CONNECTION_ERRORS = 3

/** The finished turns as chat messages, so the next request carries the conversation. */
export const toMessages = (turns: Turn[]): ChatMessage[] =>
  turns.flatMap((turn): ChatMessage[] =>
    turn.stream.text.trim()
      ? [
          { role: 'user', content: turn.prompt },
          { role: 'assistant', content: turn.stream.text },
        ]
      : [],
  )

export function useConversation<TInput>(subscribe: Subscribe<TInput>) {
  const [turns, setTurns] = useState<Turn[]>([])
  const active = useRef<{ id: number; unsubscribe: () => void } | null>(null)
  const nextId = useRef(1)

  const dispatch = useCallback((id: number, action: StreamAction) => {
    setTurns((all) =>
      all.map((turn) =>
        turn.id === id ? { ...turn, stream: streamReducer(turn.stream, action) } : turn,
      ),
    )
  }, [])

  const release = useCallback((id: number) => {
    const current = active.current
    if (current?.id !== id) return
    active.current = null
    // Not from inside the link's own callback: let it finish delivering first.
    queueMicrotask(() => current.unsubscribe())
  }, [])

  const send = useCallback(
    (prompt: string, input: TInput) => {
      if (active.current) return
      const id = nextId.current++
      setTurns((all) => [...all, { id, prompt, stream: initialStreamState }])
      let connectionErrors = 0
      const subscription = subscribe(input, {
        onData: ({ data }) => {
          connectionErrors = 0
          dispatch(id, { type: 'event', event: data })
          if (data.type === 'end' || data.type === 'error') release(id)
        },
        onError: (error) => {
          dispatch(id, { type: 'failed', problem: describeError(error) })
          release(id)
        },
        onComplete: () => {
          dispatch(id, { type: 'closed' })
          release(id)
        },
        onConnectionStateChange: (state) => {
          if (state.state !== 'connecting' || !state.error) {
            dispatch(id, { type: 'reconnecting', value: false })
            return
          }
          connectionErrors += 1
          if (connectionErrors < MAX_CONNECTION_ERRORS) {
            dispatch(id, { type: 'reconnecting', value: true })
            return
          }
          dispatch(id, { type: 'failed', problem: describeError(state.error) })
          release(id)
        },
      })
      active.current = { id, unsubscribe: subscription.unsubscribe }
    },
    [subscribe, dispatch, release],
  )

  const stop = useCallback(() => {
    const current = active.current
    if (!current) return
    dispatch(current.id, { type: 'stopped' })
    release(current.id)
  }, [dispatch, release])

  const clear = useCallback(() => {
    stop()
    setTurns([])
  }, [stop])

  // Leaving the view cancels whatever is still streaming.
  useEffect(() => () => active.current?.unsubscribe(), [])

  const last = turns.at(-1)
  const streaming = last !== undefined && !isFinished(last.stream.status)
  return { turns, streaming, send, stop, clear }
}
