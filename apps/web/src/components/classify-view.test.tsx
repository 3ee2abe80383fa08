import { cleanup, fireEvent, screen, within } from '@testing-library/react'
import type { ClassificationService, ClassifyInput, ClassifyOutput } from '@tokenflow/api'
import { afterEach, describe, expect, it } from 'vitest'
import { renderWithServices } from '../test/render-with-services'
import { ClassifyView } from './classify-view'

const reason =
  'confidence 0.38 below 0.50: routed to the best general model groq/openai/gpt-oss-120b'

const answer = (abstained: boolean): ClassifyOutput => ({
  topCategory: 'reasoning',
  confidence: abstained ? 0.38 : 0.87,
  calibrated: true,
  scores: [
    { category: 'reasoning', score: abstained ? 0.38 : 0.87 },
    { category: 'text-to-text', score: abstained ? 0.35 : 0.13 },
  ],
  method: 'embedding-head',
  model: 'all-MiniLM-L6-v2',
  latencyMs: 14,
  recommendedModel: {
    id: 'groq/openai/gpt-oss-120b',
    provider: 'groq',
    displayName: 'GPT-OSS 120B (Groq)',
  },
  abstained,
  reason: abstained ? reason : null,
})

const classifying = (abstained: boolean) => {
  const seen: ClassifyInput[] = []
  const classification: ClassificationService = {
    classify: async (input) => {
      seen.push(input)
      return answer(abstained)
    },
  }
  return { classification, seen }
}

const classify = (prompt: string) => {
  fireEvent.change(screen.getByLabelText('Prompt to classify'), { target: { value: prompt } })
  fireEvent.click(screen.getByRole('button', { name: 'Classify' }))
}

afterEach(cleanup)

describe('ClassifyView', () => {
  it('shows the calibrated confidence and the model routing would choose', async () => {
    const { classification, seen } = classifying(false)
    renderWithServices(<ClassifyView />, { classification })
    classify('Is 1001 prime? Show your reasoning.')

    const results = await screen.findByRole('region', { name: 'Scores' })
    expect(within(results).getByText('(87.0%, calibrated)')).toBeTruthy()
    expect(within(results).queryByRole('status')).toBeNull()
    expect(within(results).getByText('GPT-OSS 120B (Groq)')).toBeTruthy()
    expect(seen[0]?.prompt).toBe('Is 1001 prime? Show your reasoning.')
  })

  it('shows an abstention with its reason when the confidence is below the threshold', async () => {
    const { classification } = classifying(true)
    renderWithServices(<ClassifyView />, { classification })
    classify('hmm')

    const badge = await screen.findByRole('status')
    expect(within(badge).getByText('abstained — low confidence')).toBeTruthy()
    expect(within(badge).getByText(reason)).toBeTruthy()
    expect(screen.getByText('GPT-OSS 120B (Groq)')).toBeTruthy()
  })
})
