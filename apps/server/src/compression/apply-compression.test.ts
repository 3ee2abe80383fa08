// applyCompression: what the policy sends to compressMessages (roles, which messages are open to
// compression, the question) and what goes upstream and into the decision afterwards.
import type { ChatMessage, CompressionService, CompressMessagesInput } from '@tokenflow/api'
import { catalog } from '@tokenflow/catalog'
import { describe, expect, it } from 'vitest'
import { applyCompression } from './apply-compression'

const fail = () => Promise.reject(new Error('must not be called'))
const never: CompressionService = { compress: fail, compressMessages: fail }

/**
 * Keeps the first half of the words of every message open to compression; a word is a token.
 * Like a word-level compressor, it answers even kept messages with their whitespace normalised.
 */
const halving = () => {
  const calls: CompressMessagesInput[] = []
  const service: CompressionService = {
    compress: fail,
    compressMessages: async (input) => {
      calls.push(input)
      const messages = input.messages.map(({ role, content, compress }) => {
        const words = content.split(/\s+/).filter(Boolean)
        const kept = compress ? words.slice(0, Math.ceil(words.length / 2)) : words
        return {
          role,
          content: kept.join(' '),
          compressed: compress ?? false,
          originalTokens: words.length,
          compressedTokens: kept.length,
        }
      })
      const originalTokens = messages.reduce((sum, m) => sum + m.originalTokens, 0)
      const compressedTokens = messages.reduce((sum, m) => sum + m.compressedTokens, 0)
      return {
        messages,
        originalTokens,
        compressedTokens,
        compressionRatio: compressedTokens / originalTokens,
        method: 'encoder',
        model: 'test-encoder',
        latencyMs: 1,
        tokenizer: 'cl100k_base',
        question: input.question ?? null,
      }
    },
  }
  return { service, calls }
}

const system: ChatMessage = { role: 'system', content: 'You are a  careful assistant.\n' }
const earlier: ChatMessage[] = [
  { role: 'user', content: 'Here are my notes on the migration plan for the billing tables.' },
  { role: 'assistant', content: 'Thanks, I read the notes and have a few remarks on step two.' },
]
const longTurn = `${'The ledger table holds every invoice line and its tax code. '.repeat(120)}
\nWhich table should we migrate first?`
const long: ChatMessage[] = [{ role: 'user', content: 'word '.repeat(2_000) }]

describe('applyCompression', () => {
  it('compresses the whole conversation but the system prompt, asking the last paragraph', async () => {
    const { service, calls } = halving()
    const messages = [system, ...earlier, { role: 'user' as const, content: longTurn }]
    const result = await applyCompression(service, catalog, messages, 'auto', 'text-to-text', {})

    expect(calls).toHaveLength(1)
    expect(calls[0]?.ratio).toBe(0.5)
    expect(calls[0]?.question).toBe('Which table should we migrate first?')
    expect(calls[0]?.messages.map(({ role, compress }) => ({ role, compress }))).toEqual([
      { role: 'system', compress: false },
      { role: 'user', compress: true },
      { role: 'assistant', compress: true },
      { role: 'user', compress: true },
    ])
    expect(result.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user'])
    expect(result.messages[0]).toEqual(system) // byte for byte, whatever the service answered
    expect(result.messages[2]?.content).toBe('Thanks, I read the notes and have')
    expect((result.messages[3]?.content.length ?? 0) < longTurn.length).toBe(true)
    expect(result.decision).toMatchObject({
      applied: true,
      reason: 'policy: ratio 0.5 for text-to-text',
      method: 'encoder',
      model: 'test-encoder',
    })
    const { originalTokens, compressedTokens } = result.decision
    expect(compressedTokens).toBeLessThan(originalTokens ?? 0)
    expect(result.savedTokens).toBe((originalTokens ?? 0) - (compressedTokens ?? 0))
  })

  it('keeps a short latest turn verbatim and compresses only the earlier turns', async () => {
    const { service, calls } = halving()
    const latest = { role: 'user' as const, content: 'And step two?' }
    const messages = [system, ...earlier, latest]
    const result = await applyCompression(service, catalog, messages, 'auto', 'text-to-text', {})

    expect(calls[0]?.messages.map((m) => m.compress)).toEqual([false, true, true, false])
    // One paragraph: no explicit question, the service uses the kept latest turn.
    expect(calls[0]).not.toHaveProperty('question')
    expect(result.messages.at(-1)).toEqual(latest)
    expect(result.decision.applied).toBe(true)
    expect(result.decision.reason).toMatch(/latest turn kept .*under the 800-token threshold/)
  })

  it('compresses a single prompt at a requested ratio, without a question', async () => {
    const { service, calls } = halving()
    const result = await applyCompression(service, catalog, long, { ratio: 0.3 }, null, {})
    expect(calls[0]).toEqual({ messages: [{ ...long[0], compress: true }], ratio: 0.3 })
    expect(result.decision).toMatchObject({ applied: true, reason: 'requested ratio 0.3' })
    expect(result.savedTokens).toBe(1_000)
  })

  it('never compresses function-calling prompts under auto', async () => {
    const result = await applyCompression(never, catalog, long, 'auto', 'function-calling', {})
    expect(result.decision).toMatchObject({ applied: false })
    expect(result.decision.reason).toMatch(/never compress/)
    expect(result.messages).toBe(long)
  })

  it('leaves a lone prompt under the category threshold alone', async () => {
    const short = [system, { role: 'user' as const, content: 'a short question' }]
    const result = await applyCompression(never, catalog, short, 'auto', 'text-to-text', {})
    expect(result.decision.reason).toMatch(/under the 800-token threshold/)
    expect(result.messages).toBe(short)
  })

  it('sends the prompt uncompressed and says why when compression fails', async () => {
    const result = await applyCompression(never, catalog, long, { ratio: 0.5 }, null, {})
    expect(result.decision.applied).toBe(false)
    expect(result.decision.reason).toMatch(/compression failed, sent uncompressed/)
    expect(result.messages).toBe(long)
  })

  it('sends only plain text turns to the compressor: content parts and tool calls go upstream as they came', async () => {
    const { service, calls } = halving()
    const parts = {
      role: 'user',
      content: [
        { type: 'text', text: 'What is in this picture of the ledger?' },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
      ],
    }
    const call = {
      role: 'assistant',
      content: null,
      tool_calls: [
        { id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"id": 42}' } },
      ],
    }
    const result = {
      role: 'tool',
      tool_call_id: 'call_1',
      content: '{"rows": 12, "table": "ledger"}',
    }
    const messages = [parts, call, result, { role: 'user', content: longTurn }]
    const out = await applyCompression(service, catalog, messages, { ratio: 0.5 }, null, {})
    expect(calls).toHaveLength(1)
    expect(calls[0]?.messages.map((m) => m.role)).toEqual(['tool', 'user'])
    expect(out.messages[0]).toBe(parts)
    expect(out.messages[1]).toBe(call)
    expect(out.messages[3]?.content).not.toBe(longTurn)
    expect(out.decision.applied).toBe(true)
  })

  it('skips, saying why, when no message is plain text', async () => {
    const turn = { role: 'user', content: [{ type: 'text', text: 'word '.repeat(2_000) }] }
    const out = await applyCompression(never, catalog, [turn], { ratio: 0.5 }, null, {})
    expect(out.messages[0]).toBe(turn)
    expect(out.decision).toMatchObject({
      applied: false,
      reason: expect.stringMatching(/nothing compressible/),
    })
  })
})
