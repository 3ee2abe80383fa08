import { describe, expect, it } from 'vitest'
import { StreamedError, sseJsonEvents } from './sse-json-events'

/** A response whose body arrives in exactly these byte pieces; `cancelled` records a cancel. */
const responseOf = (pieces: Uint8Array[]) => {
  const state = { cancelled: false, reads: 0 }
  let next = 0
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        state.reads += 1
        const piece = pieces[next++]
        if (piece) controller.enqueue(piece)
        else controller.close()
      },
      cancel() {
        state.cancelled = true
      },
    },
    { highWaterMark: 0 },
  )
  return { response: new Response(body), state }
}

const bytes = (text: string) => new TextEncoder().encode(text)

/** Splits `text`'s bytes every `size` bytes, through the middle of lines and characters. */
const pieces = (text: string, size: number) => {
  const all = bytes(text)
  const out: Uint8Array[] = []
  for (let at = 0; at < all.length; at += size) out.push(all.slice(at, at + size))
  return out
}

const collect = async (response: Response) => {
  const out: unknown[] = []
  for await (const event of sseJsonEvents(response)) out.push(event)
  return out
}

const stream = [
  'data: {"n":1,"text":"naïve café"}\n\n',
  ': a comment\n\n',
  'event: message\ndata: {"n":2,\ndata: "text":"日本"}\n\n',
  'data:{"n":3}\r\n\r\n',
  'data: [DONE]\n\n',
].join('')
const expected = [{ n: 1, text: 'naïve café' }, { n: 2, text: '日本' }, { n: 3 }]

describe('sseJsonEvents', () => {
  it.each([1, 2, 3, 7, 64, 10_000])('decodes events split every %i bytes', async (size) => {
    expect(await collect(responseOf(pieces(stream, size)).response)).toEqual(expected)
  })

  it('ignores what follows [DONE] but reads the body to its end', async () => {
    const { response, state } = responseOf([
      bytes('data: {"n":1}\n\ndata: [DONE]\n\n'),
      bytes('data: {"n":2}\n\n'),
    ])
    expect(await collect(response)).toEqual([{ n: 1 }])
    expect(state).toEqual({ cancelled: false, reads: 3 })
  })

  it('keeps an event the body ended in without its blank line', async () => {
    const { response } = responseOf([bytes('data: {"n":1}\n\ndata: {"n":2}')])
    expect(await collect(response)).toEqual([{ n: 1 }, { n: 2 }])
  })

  it('throws the error a provider streams instead of a chunk', async () => {
    const { response } = responseOf([
      bytes('data: {"n":1}\n\ndata: {"error":{"message":"overloaded","type":"server_error"}}\n\n'),
    ])
    const seen: unknown[] = []
    const run = async () => {
      for await (const event of sseJsonEvents(response)) seen.push(event)
    }
    await expect(run()).rejects.toThrow(new StreamedError('overloaded'))
    expect(seen).toEqual([{ n: 1 }])
  })

  it('throws on an event that is not JSON', async () => {
    const { response } = responseOf([bytes('data: {"n":\n\n')])
    await expect(collect(response)).rejects.toThrow(SyntaxError)
  })

  it('cuts off an event that never ends instead of buffering it', async () => {
    const line = bytes('x'.repeat(1024 * 1024))
    const { response } = responseOf([bytes('data: '), ...Array.from({ length: 9 }, () => line)])
    await expect(collect(response)).rejects.toThrow(/ran past/)
  })

  it('reads only as far as its reader asks, and cancels the body when the reader leaves', async () => {
    const { response, state } = responseOf([
      bytes('data: {"n":1}\n\n'),
      bytes('data: {"n":2}\n\n'),
      bytes('data: {"n":3}\n\n'),
    ])
    for await (const event of sseJsonEvents(response)) {
      expect(event).toEqual({ n: 1 })
      expect(state.reads).toBe(1)
      break
    }
    expect(state.cancelled).toBe(true)
  })

  it('rejects a response without a body', async () => {
    await expect(collect(new Response(null))).rejects.toThrow(StreamedError)
  })
})
