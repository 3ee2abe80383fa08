// The OpenAI chunk and body builders: role on each answer's first delta, tool calls as indexed
// pieces that add up to the call, a finish chunk per answer, usage and totals last.
import type { EndEvent, MetadataEvent, StreamEvent } from '@tokenflow/api'
import { describe, expect, it } from 'vitest'
import { createCompletionBody } from './completion-body'
import { createChunker } from './completion-chunks'

const metadata: MetadataEvent = {
  type: 'metadata',
  streamId: 's1',
  model: { id: 'groq/llama', provider: 'groq', displayName: 'Llama' },
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

const end: EndEvent = {
  type: 'end',
  finishReason: 'tool_calls',
  usage: { promptTokens: 10, completionTokens: 5, totalTokens: 15 },
  timeToFirstTokenMs: 3,
  totalMs: 9,
  costUsd: 0.001,
  savedTokens: 0,
  savedUsd: 0,
  choices: [
    { index: 0, finishReason: 'tool_calls' },
    { index: 1, finishReason: 'unknown' },
  ],
}

const events: StreamEvent[] = [
  metadata,
  { type: 'tool_call', index: 0, id: 'call_1', name: 'lookup', arguments: '{"id":' },
  { type: 'tool_call', index: 0, arguments: ' 42}' },
  { type: 'text', delta: 'Hello', choice: 1 },
  end,
]

describe('createChunker', () => {
  it('streams as OpenAI does', () => {
    const chunker = createChunker('chatcmpl-s1', 1, 'groq/llama')
    const chunks = events.flatMap(chunker)
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '' })
    expect(chunks[0]?.tokenflow).toMatchObject({ stream_id: 's1', fallbacks: [] })
    expect(chunks[1]?.choices[0]?.delta).toEqual({
      tool_calls: [
        {
          index: 0,
          id: 'call_1',
          type: 'function',
          function: { name: 'lookup', arguments: '{"id":' },
        },
      ],
    })
    expect(chunks[2]?.choices[0]?.delta).toEqual({
      tool_calls: [{ index: 0, function: { arguments: ' 42}' } }],
    })
    // The second answer's first delta names the role too.
    expect(chunks[3]?.choices[0]).toMatchObject({
      index: 1,
      delta: { role: 'assistant', content: 'Hello' },
    })
    expect(chunks.slice(4, 6).map((c) => c.choices[0]?.finish_reason)).toEqual([
      'tool_calls',
      'stop',
    ])
    expect(chunks[6]).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
      tokenflow: { cost_usd: 0.001, saved_tokens: 0, saved_usd: 0 },
    })
  })
})

describe('createCompletionBody', () => {
  it('adds the pieces up into one message per answer', () => {
    const body = createCompletionBody()
    for (const event of events) body.add(event)
    const completion = body.build('chatcmpl-s1', 1, metadata, end)
    expect(completion.choices).toEqual([
      {
        index: 0,
        message: {
          role: 'assistant',
          content: null,
          refusal: null,
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'lookup', arguments: '{"id": 42}' },
            },
          ],
        },
        logprobs: null,
        finish_reason: 'tool_calls',
      },
      {
        index: 1,
        message: { role: 'assistant', content: 'Hello', refusal: null },
        logprobs: null,
        finish_reason: 'stop',
      },
    ])
    expect(completion.tokenflow).toMatchObject({ stream_id: 's1', cost_usd: 0.001, total_ms: 9 })
  })
})
