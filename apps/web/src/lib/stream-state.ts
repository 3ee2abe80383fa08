// The state of one streamed answer, folded from StreamEvents: the decision (`metadata`), the text
// so far, and how it ended. Whatever happens after text arrived, the text is kept.
import type { EndEvent, MetadataEvent, StreamEvent } from '@tokenflow/api'
import { describeCode } from './describe-error'
import type { Problem } from './problem'

export type StreamStatus = 'connecting' | 'streaming' | 'done' | 'stopped' | 'failed'

export type StreamState = {
  status: StreamStatus
  metadata: MetadataEvent | null
  text: string
  /** How many text events arrived; the UI shows that text came in steps. */
  chunks: number
  end: EndEvent | null
  problem: Problem | null
  reconnecting: boolean
}

export type StreamAction =
  | { type: 'event'; event: StreamEvent }
  | { type: 'stopped' }
  | { type: 'failed'; problem: Problem }
  | { type: 'reconnecting'; value: boolean }
  | { type: 'closed' }

export const initialStreamState: StreamState = {
  status: 'connecting',
  metadata: null,
  text: '',
  chunks: 0,
  end: null,
  problem: null,
  reconnecting: false,
}

export const isFinished = (status: StreamStatus): boolean =>
  status === 'done' || status === 'stopped' || status === 'failed'

export function streamReducer(state: StreamState, action: StreamAction): StreamState {
  // A finished stream ignores late events (e.g. one already in flight when Stop was pressed).
  if (isFinished(state.status)) return state
  switch (action.type) {
    case 'event': {
      const { event } = action
      switch (event.type) {
        case 'metadata':
          return { ...state, status: 'streaming', metadata: event, reconnecting: false }
        case 'text':
          return {
            ...state,
            status: 'streaming',
            text: state.text + event.delta,
            chunks: state.chunks + 1,
            reconnecting: false,
          }
        case 'end':
          return { ...state, status: 'done', end: event, reconnecting: false }
        case 'error':
          return {
            ...state,
            status: 'failed',
            problem: describeCode(event.code, event.message),
            reconnecting: false,
          }
      }
      return state
    }
    case 'stopped':
      return { ...state, status: 'stopped', reconnecting: false }
    case 'failed':
      return { ...state, status: 'failed', problem: action.problem, reconnecting: false }
    case 'reconnecting':
      return { ...state, reconnecting: action.value }
    case 'closed':
      // The server closed the stream without `end` or `error`: say so rather than hang.
      return {
        ...state,
        status: 'failed',
        problem: {
          code: 'CLOSED',
          title: 'The answer stopped before it was complete.',
          detail: null,
        },
        reconnecting: false,
      }
  }
}
