import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import type { MetadataEvent, RouteInput, RoutingService, TrackedEvent } from '@tokenflow/api'
import { afterEach, describe, expect, it } from 'vitest'
import { renderWithServices } from '../test/render-with-services'
import { ChatView } from './chat-view'

const metadata: MetadataEvent = {
  type: 'metadata',
  streamId: 'stream-1',
  model: { id: 'groq/llama-3.3-70b-versatile', provider: 'groq', displayName: 'Llama 3.3 70B' },
  category: {
    id: 'reasoning',
    confidence: 0.8,
    calibrated: true,
    scores: [
      { category: 'reasoning', score: 0.8 },
      { category: 'text-to-text', score: 0.2 },
    ],
    method: 'embedding-head',
    model: 'all-MiniLM-L6-v2',
    abstained: false,
    reason: null,
  },
  strategy: 'balanced',
  compression: {
    applied: false,
    reason: 'prompt shorter than 200 tokens',
    method: null,
    model: null,
    originalTokens: null,
    compressedTokens: null,
    ratio: null,
  },
  fallbacks: [],
}

const untilAborted = (signal: AbortSignal | undefined) =>
  new Promise<void>((resolve) => signal?.addEventListener('abort', () => resolve()))

const send = (text: string) => {
  const box = screen.getByLabelText('Message')
  fireEvent.change(box, { target: { value: text } })
  fireEvent.keyDown(box, { key: 'Enter', ctrlKey: true })
}

afterEach(cleanup)

describe('ChatView', () => {
  it('streams the answer, shows the decision, and Stop cancels the upstream stream', async () => {
    const seen: RouteInput[] = []
    const cancelled: string[] = []
    let aborted = false
    const routing: RoutingService = {
      stream: async (input, { signal }) => {
        seen.push(input)
        return (async function* (): AsyncIterable<TrackedEvent> {
          yield { id: 'stream-1:0', event: metadata }
          yield { id: 'stream-1:1', event: { type: 'text', delta: 'Hello ' } }
          yield { id: 'stream-1:2', event: { type: 'text', delta: '**world**' } }
          await untilAborted(signal)
          aborted = true
        })()
      },
      cancel: async ({ streamId }) => {
        cancelled.push(streamId)
        return { cancelled: true }
      },
    }
    renderWithServices(<ChatView />, { routing })
    send('Why is the sky blue?')

    const answer = await screen.findByRole('article', { name: 'Answer' })
    await within(answer).findByText('world')
    expect(answer.querySelector('strong')?.textContent).toBe('world')
    const decision = screen.getByRole('complementary', { name: 'Routing decision' })
    expect(within(decision).getAllByText('Llama 3.3 70B').length).toBeGreaterThan(0)
    expect(within(decision).getAllByText(/80\.0%/).length).toBeGreaterThan(0)
    expect(seen[0]?.messages).toEqual([{ role: 'user', content: 'Why is the sky blue?' }])
    expect(seen[0]?.strategy).toBe('balanced')

    fireEvent.click(screen.getByRole('button', { name: 'Stop' }))
    await waitFor(() => expect(aborted).toBe(true))
    // The server is told, by the stream id the metadata carried.
    await waitFor(() => expect(cancelled).toEqual(['stream-1']))
    expect(answer.dataset.status).toBe('stopped')
    expect(within(answer).getByText('world')).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Send' })).toBeTruthy()
    // The click on Stop must not turn into a submit of the (now empty) message box.
    expect(screen.queryByText('Write a message first.')).toBeNull()
  })

  it('keeps the partial answer and says what failed when the stream errors', async () => {
    const routing: RoutingService = {
      stream: async () =>
        (async function* (): AsyncIterable<TrackedEvent> {
          yield { id: '1', event: metadata }
          yield { id: '2', event: { type: 'text', delta: 'Partial answer' } }
          yield {
            id: '3',
            event: {
              type: 'error',
              code: 'SERVICE_UNAVAILABLE',
              message: 'ML service at 127.0.0.1:8001 refused the connection',
              retryable: true,
            },
          }
        })(),
      cancel: async () => ({ cancelled: false }),
    }
    renderWithServices(<ChatView />, { routing })
    send('Hi')

    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toMatch(/ML service is not reachable/)
    expect(alert.textContent).toMatch(/refused the connection/)
    expect(screen.getByText('Partial answer')).toBeTruthy()
  })

  it('sends the earlier turns as history with the next message', async () => {
    const seen: RouteInput[] = []
    const routing: RoutingService = {
      stream: async (input) => answer(input),
      cancel: async () => ({ cancelled: false }),
    }
    async function* answer(input: RouteInput): AsyncIterable<TrackedEvent> {
      seen.push(input)
      yield { id: '1', event: metadata }
      yield { id: '2', event: { type: 'text', delta: `answer ${seen.length}` } }
      yield {
        id: '3',
        event: {
          type: 'end',
          finishReason: 'stop',
          usage: { promptTokens: 5, completionTokens: 2, totalTokens: 7 },
          timeToFirstTokenMs: 12,
          totalMs: 40,
          costUsd: 0.00001,
          savedTokens: 0,
          savedUsd: 0,
        },
      }
    }
    renderWithServices(<ChatView />, { routing })
    send('first')
    await screen.findByText('answer 1')
    await screen.findByRole('button', { name: 'Send' })
    send('second')
    await screen.findByText('answer 2')
    expect(seen[1]?.messages).toEqual([
      { role: 'user', content: 'first' },
      { role: 'assistant', content: 'answer 1' },
      { role: 'user', content: 'second' },
    ])
    expect(screen.getAllByLabelText('Answer statistics')).toHaveLength(2)
  })
})
