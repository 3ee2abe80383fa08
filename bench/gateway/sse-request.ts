// One streamed request as a user's HTTP client sees it, the same code for every path: POST or GET
// over a keep-alive agent, time to the first byte that carries the first token, time to the end
// of the response, and whether the stream ended the way its protocol says it ends.
import { type Agent, request } from 'node:http'

export type StreamCall = {
  method: 'GET' | 'POST'
  url: string
  headers: Record<string, string>
  body?: string
  /** Text that appears only once the first token arrived (the first chunk's content). */
  firstToken: string
  /** Text the response must contain by its end for the stream to count as complete. */
  complete: string
}

export type StreamResult =
  | { ok: true; ttftMs: number; totalMs: number }
  | { ok: false; error: string; totalMs: number }

export const streamOnce = (agent: Agent, call: StreamCall, timeoutMs = 60_000) =>
  new Promise<StreamResult>((resolve) => {
    const started = performance.now()
    let ttft = -1
    // The tail is kept so a marker split across two reads is still found.
    let tail = ''
    let complete = false
    const done = (result: StreamResult) => {
      clearTimeout(timer)
      resolve(result)
    }
    const fail = (error: string) => done({ ok: false, error, totalMs: performance.now() - started })
    const req = request(call.url, { method: call.method, headers: call.headers, agent }, (res) => {
      if (res.statusCode !== 200) {
        res.resume()
        return fail(`HTTP ${res.statusCode}`)
      }
      res.setEncoding('latin1')
      res.on('data', (text: string) => {
        const window = tail + text
        if (ttft < 0 && window.includes(call.firstToken)) ttft = performance.now() - started
        if (!complete && window.includes(call.complete)) complete = true
        tail = window.slice(-64)
      })
      res.on('end', () => {
        const totalMs = performance.now() - started
        if (ttft < 0) return fail('no first token')
        if (!complete) return fail('stream ended early')
        done({ ok: true, ttftMs: ttft, totalMs })
      })
      res.on('error', (error) => fail(error.message))
    })
    const timer = setTimeout(() => {
      req.destroy()
      fail('timeout')
    }, timeoutMs)
    req.on('error', (error) => fail(error.message))
    req.end(call.body)
  })
