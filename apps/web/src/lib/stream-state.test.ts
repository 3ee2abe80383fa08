import type { MetadataEvent, StreamEvent } from '@tokenflow/api'
import { describe, expect, it } from 'vitest'
import { initialStreamState, type StreamState, streamReducer } from './stream-state'

const metadata: MetadataEvent = {
  type: 'metadata',
  streamId: 's1',
  model: { id: 'local/smollm2', provider: 'local', displayName: 'SmolLM2' },
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
}

const fold = (events: StreamEvent[], from: StreamState = initialStreamState) =>
  events.reduce((state, event) => streamReducer(state, { type: 'event', event }), from)

describe('streamReducer', () => {
  it('appends text deltas in order and counts them', () => {
    const state = fold([metadata, { type: 'text', delta: 'Hel' }, { type: 'text', delta: 'lo' }])
    expect(state.status).toBe('streaming')
    expect(state.text).toBe('Hello')
    expect(state.chunks).toBe(2)
    expect(state.metadata?.model.displayName).toBe('SmolLM2')
  })

  it('keeps the partial answer when the stream fails and explains the code', () => {
    const state = fold([
      metadata,
      { type: 'text', delta: 'Partial' },
      { type: 'error', code: 'SERVICE_UNAVAILABLE', message: 'ml down', retryable: true },
    ])
    expect(state.status).toBe('failed')
    expect(state.text).toBe('Partial')
    expect(state.problem?.title).toMatch(/ML service is not reachable/)
    expect(state.problem?.detail).toBe('ml down')
  })

  it('ignores events that arrive after Stop', () => {
    const stopped = streamReducer(fold([metadata, { type: 'text', delta: 'a' }]), {
      type: 'stopped',
    })
    const later = fold([{ type: 'text', delta: 'b' }], stopped)
    expect(later.status).toBe('stopped')
    expect(later.text).toBe('a')
  })

  it('reports a stream that closes without end or error', () => {
    const state = streamReducer(fold([metadata]), { type: 'closed' })
    expect(state.status).toBe('failed')
    expect(state.problem?.code).toBe('CLOSED')
  })
})
