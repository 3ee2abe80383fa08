import { cleanup, fireEvent, screen, within } from '@testing-library/react'
import type { CompressionService } from '@tokenflow/api'
import { TRPCError } from '@trpc/server'
import { afterEach, describe, expect, it } from 'vitest'
import { testModel } from '../test/models'
import { renderWithServices } from '../test/render-with-services'
import { CompressView } from './compress-view'

const models = {
  list: async () => ({ models: [testModel] }),
  rankings: async () => ({ categories: [] }),
}

const compressText = (text: string) => {
  fireEvent.change(screen.getByLabelText('Text to compress'), { target: { value: text } })
  fireEvent.click(screen.getByRole('button', { name: 'Compress' }))
}

afterEach(cleanup)

describe('CompressView', () => {
  it('shows counts and strikes the removed tokens', async () => {
    const compression: CompressionService = {
      compress: async (input) => ({
        originalText: input.text,
        compressedText: 'fox jumps',
        originalTokens: 1000,
        compressedTokens: 400,
        compressionRatio: 2.5,
        method: input.method ?? 'llmlingua2',
        model: 'test',
        latencyMs: 12,
        segments: [
          { text: 'The quick ', kept: false },
          { text: 'fox jumps', kept: true },
        ],
      }),
    }
    renderWithServices(<CompressView />, { compression, models })
    compressText('The quick fox jumps')

    const stats = await screen.findByLabelText('Compression results')
    expect(within(stats).getByText('1,000')).toBeTruthy()
    expect(within(stats).getByText('600')).toBeTruthy()
    expect(within(stats).getByText(/40% kept/)).toBeTruthy()
    // 600 tokens at $0.59 per million, times 1,000 requests.
    expect(await within(stats).findByText('$0.354')).toBeTruthy()
    const removed = screen.getByText('The quick')
    expect(removed.tagName).toBe('DEL')
    expect(screen.getAllByText('fox jumps').map((el) => el.tagName)).toContain('SPAN')
  })

  it('explains an unreachable ML service where the request was made', async () => {
    const compression: CompressionService = {
      compress: async () => {
        throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: 'ML service unreachable' })
      },
    }
    renderWithServices(<CompressView />, { compression, models })
    compressText('Some text')
    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toMatch(/ML service is not reachable/)
  })

  it('asks for a text instead of sending an empty one', async () => {
    let calls = 0
    const compression: CompressionService = {
      compress: async () => {
        calls += 1
        throw new Error('unexpected')
      },
    }
    renderWithServices(<CompressView />, { compression, models })
    compressText('   ')
    expect((await screen.findByRole('alert')).textContent).toMatch(/Paste or drop a text/)
    expect(calls).toBe(0)
  })
})
