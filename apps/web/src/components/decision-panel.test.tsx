import { cleanup, render, screen, within } from '@testing-library/react'
import type { MetadataEvent } from '@tokenflow/api'
import { afterEach, describe, expect, it } from 'vitest'
import { DecisionPanel } from './decision-panel'

const confident: MetadataEvent = {
  type: 'metadata',
  streamId: 'stream-1',
  model: { id: 'groq/openai/gpt-oss-120b', provider: 'groq', displayName: 'GPT-OSS 120B (Groq)' },
  category: {
    id: 'legal',
    confidence: 0.91,
    calibrated: true,
    scores: [
      { category: 'legal', score: 0.91 },
      { category: 'reasoning', score: 0.09 },
    ],
    method: 'embedding-head',
    model: 'all-MiniLM-L6-v2',
    abstained: false,
    reason: null,
  },
  strategy: 'quality',
  compression: {
    applied: false,
    reason: 'compression is off for legal',
    method: null,
    model: null,
    originalTokens: null,
    compressedTokens: null,
    ratio: null,
  },
  fallbacks: [],
}

const reason = 'confidence 0.41 below 0.50: routed to the fallback model groq/llama-3.1-8b-instant'
const abstained: MetadataEvent = {
  ...confident,
  model: { id: 'groq/llama-3.1-8b-instant', provider: 'groq', displayName: 'Llama 3.1 8B' },
  category: {
    ...(confident.category as NonNullable<MetadataEvent['category']>),
    confidence: 0.41,
    calibrated: false,
    abstained: true,
    reason,
  },
}

const panel = () => screen.getByRole('complementary', { name: 'Routing decision' })

afterEach(cleanup)

describe('DecisionPanel', () => {
  it('shows a trusted category with its calibrated confidence and no abstention', () => {
    render(<DecisionPanel metadata={confident} />)
    expect(within(panel()).getByText('(91.0%, calibrated)')).toBeTruthy()
    expect(within(panel()).queryByText(/abstained/)).toBeNull()
  })

  it('shows an abstention with its reason and the fallback model that answered', () => {
    render(<DecisionPanel metadata={abstained} />)
    const badge = within(panel()).getByRole('status')
    expect(within(badge).getByText('abstained — low confidence')).toBeTruthy()
    expect(within(badge).getByText(reason)).toBeTruthy()
    expect(within(panel()).getByText('Llama 3.1 8B')).toBeTruthy()
    expect(within(panel()).getByText('(41.0%, uncalibrated)')).toBeTruthy()
  })
})
