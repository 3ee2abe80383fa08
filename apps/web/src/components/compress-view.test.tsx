import { cleanup, fireEvent, screen, within } from '@testing-library/react'
import type { CompressInput, CompressionService, CompressOutput } from '@tokenflow/api'
import { TRPCError } from '@trpc/server'
import { afterEach, describe, expect, it } from 'vitest'
import { testModel } from '../test/models'
import { renderWithServices } from '../test/render-with-services'
import { CompressView } from './compress-view'

const models = {
  list: async () => ({ models: [testModel] }),
  rankings: async () => ({ categories: [] }),
}

const unused = async (): Promise<never> => {
  throw new Error('not used by the Compress view')
}

const answer = (input: CompressInput): CompressOutput => ({
  originalText: input.text,
  compressedText: 'fox jumps',
  originalTokens: 1000,
  compressedTokens: 400,
  compressionRatio: 2.5,
  method: input.method ?? 'encoder',
  model: 'test',
  latencyMs: 12,
  segments: [
    { text: 'The quick ', kept: false },
    { text: 'fox jumps', kept: true },
  ],
})

const compressText = (text: string) => {
  fireEvent.change(screen.getByLabelText('Text to compress'), { target: { value: text } })
  fireEvent.click(screen.getByRole('button', { name: 'Compress' }))
}

afterEach(cleanup)

describe('CompressView', () => {
  it('shows counts and strikes the removed words', async () => {
    const compression: CompressionService = {
      compress: async (input) => answer(input),
      compressMessages: unused,
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

  it('sends the encoder by default, without a question', async () => {
    const received: CompressInput[] = []
    const compression: CompressionService = {
      compress: async (input) => {
        received.push(input)
        return answer(input)
      },
      compressMessages: unused,
    }
    renderWithServices(<CompressView />, { compression, models })
    const method = screen.getByLabelText('Method') as HTMLSelectElement
    expect(method.value).toBe('encoder')
    expect(method.selectedOptions[0]?.textContent).toMatch(/offline default/)
    expect(Array.from(method.options, (option) => option.value)).toEqual([
      'encoder',
      'llmlingua',
      'llmlingua2',
    ])
    compressText('The quick fox jumps')
    await screen.findByLabelText('Compression results')
    expect(received).toEqual([{ text: 'The quick fox jumps', ratio: 0.5, method: 'encoder' }])
  })

  it('sends the chosen method and the question', async () => {
    const received: CompressInput[] = []
    const compression: CompressionService = {
      compress: async (input) => {
        received.push(input)
        return answer(input)
      },
      compressMessages: unused,
    }
    renderWithServices(<CompressView />, { compression, models })
    fireEvent.change(screen.getByLabelText('Method'), { target: { value: 'llmlingua2' } })
    fireEvent.change(screen.getByLabelText('Question'), {
      target: { value: '  What does the fox do?  ' },
    })
    compressText('The quick fox jumps')
    const stats = await screen.findByLabelText('Compression results')
    expect(received).toEqual([
      {
        text: 'The quick fox jumps',
        ratio: 0.5,
        method: 'llmlingua2',
        question: 'What does the fox do?',
      },
    ])
    expect(within(stats).getByText('llmlingua2')).toBeTruthy()
  })

  it('explains an unreachable ML service where the request was made', async () => {
    const compression: CompressionService = {
      compress: async () => {
        throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: 'ML service unreachable' })
      },
      compressMessages: unused,
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
      compressMessages: unused,
    }
    renderWithServices(<CompressView />, { compression, models })
    compressText('   ')
    expect((await screen.findByRole('alert')).textContent).toMatch(/Paste or drop a text/)
    expect(calls).toBe(0)
  })
})
