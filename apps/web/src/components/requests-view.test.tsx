import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import type { RequestListInput, RequestLogService, RequestRecord } from '@tokenflow/api'
import { TRPCError } from '@trpc/server'
import { afterEach, describe, expect, it } from 'vitest'
import { testModel } from '../test/models'
import { renderWithServices } from '../test/render-with-services'
import { RequestsView } from './requests-view'

const models = {
  list: async () => ({ models: [testModel] }),
  rankings: async () => ({ categories: [] }),
}

const record = (id: string, overrides: Partial<RequestRecord> = {}): RequestRecord => ({
  id,
  time: new Date(Date.now() - 60_000).toISOString(),
  requestId: `req-${id}`,
  streamId: `stream-${id}`,
  apiKeyId: 'key-1',
  endpoint: 'openai',
  kind: 'routing',
  requestedModel: null,
  model: testModel.id,
  provider: 'groq',
  category: 'reasoning',
  confidence: 0.82,
  strategy: 'balanced',
  compressionMethod: 'encoder',
  originalTokens: 1000,
  compressedTokens: 400,
  fallbacks: 1,
  promptTokens: 400,
  completionTokens: 120,
  costUsd: 0.00125,
  savedTokens: 600,
  savedUsd: 0.000125,
  ttftMs: 210,
  totalMs: 1450,
  finishReason: 'stop',
  errorCode: null,
  status: 'ok',
  prompt: 'Write a binary search in Rust',
  answer: 'fn search() {}',
  ...overrides,
})

const firstPage = [record('r1'), record('r2', { status: 'error', errorCode: 'BAD_GATEWAY' })]
const secondPage = [record('r3', { model: 'openai/gpt-4o-mini', endpoint: 'trpc' })]

/** Two pages behind cursor "c2"; every input it was asked with, in order. */
const requestLog = (received: RequestListInput[] = []): RequestLogService => ({
  list: async (input) => {
    received.push(input)
    return input.cursor === 'c2'
      ? { items: secondPage, nextCursor: null }
      : { items: firstPage, nextCursor: 'c2' }
  },
  get: async ({ id }) => {
    const found = [...firstPage, ...secondPage].find((r) => r.id === id)
    if (!found) throw new TRPCError({ code: 'NOT_FOUND', message: `no request ${id}` })
    return found
  },
})

const table = () => screen.getByRole('table', { name: 'Requests' })
const bodyRows = () => within(table()).getAllByRole('row').slice(1)

afterEach(cleanup)

describe('RequestsView', () => {
  it('lists the requests of the last 24 hours with their numbers', async () => {
    const received: RequestListInput[] = []
    renderWithServices(<RequestsView />, { requests: requestLog(received), models })
    await screen.findByRole('table', { name: 'Requests' })
    expect(bodyRows()).toHaveLength(2)
    const headers = within(table())
      .getAllByRole('columnheader')
      .map((th) => th.textContent)
    expect(headers).toEqual([
      'Time',
      'Endpoint',
      'Model',
      'Category',
      'Status',
      'Tokens',
      'Cost',
      'TTFT',
      'Total',
    ])
    const cells = within(bodyRows()[1] as HTMLElement)
      .getAllByRole('cell')
      .map((td) => td.textContent)
    expect(cells.slice(1)).toEqual([
      'openai',
      testModel.id,
      'reasoning',
      'error',
      '520',
      '$0.00125',
      '210 ms',
      '1.45 s',
    ])
    expect(received).toHaveLength(1)
    const [input] = received
    expect(input?.limit).toBe(50)
    expect(Date.parse(input?.to ?? '') - Date.parse(input?.from ?? '')).toBe(24 * 3_600_000)
    expect(input?.cursor).toBeUndefined()
  })

  it('sends the picked filters with the period', async () => {
    const received: RequestListInput[] = []
    renderWithServices(<RequestsView />, { requests: requestLog(received), models })
    await screen.findByRole('table', { name: 'Requests' })
    await screen.findByRole('option', { name: testModel.displayName })

    fireEvent.change(screen.getByLabelText('Model'), { target: { value: testModel.id } })
    fireEvent.change(screen.getByLabelText('Category'), { target: { value: 'reasoning' } })
    fireEvent.change(screen.getByLabelText('Status'), { target: { value: 'error' } })
    fireEvent.change(screen.getByLabelText('Endpoint'), { target: { value: 'openai' } })
    fireEvent.click(screen.getByLabelText('Last 30 days'))

    const month = 30 * 24 * 3_600_000
    await waitFor(() => {
      const last = received.at(-1)
      expect(last).toMatchObject({
        model: testModel.id,
        category: 'reasoning',
        status: 'error',
        endpoint: 'openai',
        limit: 50,
      })
      expect(Date.parse(last?.to ?? '') - Date.parse(last?.from ?? '')).toBe(month)
    })

    // "Any" takes the filter off again: the field is left out of the input.
    fireEvent.change(screen.getByLabelText('Status'), { target: { value: '' } })
    await waitFor(() => expect(received.at(-1)?.status).toBeUndefined())
    expect(received.at(-1)).not.toHaveProperty('status')
    expect(received.at(-1)?.model).toBe(testModel.id)
  })

  it('loads the next page with the cursor', async () => {
    const received: RequestListInput[] = []
    renderWithServices(<RequestsView />, { requests: requestLog(received), models })
    await screen.findByRole('table', { name: 'Requests' })
    fireEvent.click(screen.getByRole('button', { name: 'Load more' }))
    await waitFor(() => expect(bodyRows()).toHaveLength(3))
    expect(received.at(-1)?.cursor).toBe('c2')
    expect(screen.getByText('openai/gpt-4o-mini')).toBeTruthy()
    // The last page has no cursor: nothing more to load.
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull()
  })

  it("opens a request's details in a drawer", async () => {
    const asked: string[] = []
    const requests = requestLog()
    renderWithServices(<RequestsView />, {
      requests: {
        ...requests,
        get: (input, options) => {
          asked.push(input.id)
          return requests.get(input, options)
        },
      },
      models,
    })
    await screen.findByRole('table', { name: 'Requests' })
    const [first] = screen.getAllByRole('button', { name: /Details of the request/ })
    fireEvent.click(first as HTMLElement)

    const drawer = await screen.findByRole('dialog', { name: 'Request details' })
    await within(drawer).findByText('Write a binary search in Rust')
    expect(asked).toEqual(['r1'])
    const fact = (section: string, term: string) =>
      within(within(drawer).getByRole('region', { name: section }))
        .getByText(term)
        .closest('div')
        ?.querySelector('dd')?.textContent
    expect(fact('Decision', 'Requested model')).toBe('auto (routing chose)')
    expect(fact('Decision', 'Answered by')).toBe(testModel.id)
    expect(fact('Decision', 'Provider')).toBe('groq')
    expect(fact('Decision', 'Category')).toBe('reasoning (82% confident)')
    expect(fact('Decision', 'Strategy')).toBe('balanced')
    expect(fact('Decision', 'Fallbacks')).toBe('1')
    expect(fact('Compression', 'Method')).toBe('encoder')
    expect(fact('Compression', 'Tokens')).toBe('1,000 → 400')
    expect(fact('Compression', 'Saved')).toBe('600 tokens · $0.000125')
    expect(fact('Usage and timings', 'First token')).toBe('210 ms')
    expect(fact('Usage and timings', 'Total')).toBe('1.45 s')
    expect(fact('Outcome', 'Finish reason')).toBe('stop')
    expect(within(drawer).getByText('fn search() {}')).toBeTruthy()

    fireEvent.keyDown(document, { key: 'Escape' })
    expect(screen.queryByRole('dialog')).toBeNull()
  })

  it('explains that a virtual key cannot see the request log', async () => {
    const refuse = async (): Promise<never> => {
      throw new TRPCError({ code: 'FORBIDDEN', message: 'this procedure needs an admin API key' })
    }
    renderWithServices(<RequestsView />, { requests: { list: refuse, get: refuse }, models })
    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toMatch(/needs an admin API key/)
    expect(screen.queryByRole('table')).toBeNull()
  })
})
