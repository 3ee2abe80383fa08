// What a log line may carry: secrets by key name at any depth and by value are redacted, prompts
// are omitted unless LOG_PROMPTS is on, errors keep their name and message, and lines below the
// level are not written.
import { describe, expect, it } from 'vitest'
import { createLogger, type LoggerOptions } from './logger'

const collect = (options: Omit<LoggerOptions, 'write'> = {}) => {
  const lines: string[] = []
  const logger = createLogger({ ...options, write: (line) => lines.push(line) })
  return { logger, lines, records: () => lines.map((line) => JSON.parse(line)) }
}

describe('createLogger', () => {
  it('writes one JSON object a line with time, level and message', () => {
    const { logger, lines, records } = collect()
    logger.info('request', { status: 200, route: '/api/generate' })
    expect(lines).toHaveLength(1)
    expect(lines[0]).not.toContain('\n')
    const [record] = records()
    expect(record).toMatchObject({ level: 'info', msg: 'request', status: 200 })
    expect(Number.isNaN(Date.parse(record.time))).toBe(false)
    expect(record).not.toHaveProperty('pid')
  })

  it('redacts secret keys at any depth and secret values anywhere in the line', () => {
    const { logger, records, lines } = collect({ secrets: ['gsk-live-123456'] })
    logger.warn('upstream said', {
      headers: { Authorization: 'Bearer abc', 'x-api-key': 'k-1' },
      nested: { deeper: { password: 'hunter2', internalToken: 't' } },
      detail: 'the key gsk-live-123456 was refused',
    })
    const [record] = records()
    expect(record.headers).toEqual({ Authorization: '[redacted]', 'x-api-key': '[redacted]' })
    expect(record.nested.deeper).toEqual({ password: '[redacted]', internalToken: '[redacted]' })
    expect(record.detail).toBe('the key [redacted] was refused')
    expect(lines[0]).not.toContain('hunter2')
  })

  it('omits prompts unless they are to be logged', () => {
    const quiet = collect()
    quiet.logger.info('compressed', { prompt: 'my secret plan', messages: [{ content: 'x' }] })
    expect(quiet.records()[0]).toMatchObject({
      prompt: '[prompt omitted]',
      messages: '[prompt omitted]',
    })
    const loud = collect({ logPrompts: true })
    loud.logger.info('compressed', { prompt: 'my secret plan' })
    expect(loud.records()[0].prompt).toBe('my secret plan')
  })

  it('scrubs a child logger’s fields like the line’s own', () => {
    const { logger, records } = collect()
    logger.child({ component: 'ml', token: 'abc' }).error('failed', { error: new TypeError('no') })
    expect(records()[0]).toMatchObject({
      component: 'ml',
      token: '[redacted]',
      level: 'error',
      error: { name: 'TypeError', message: 'no' },
    })
  })

  it('writes nothing below its level, and nothing at all when silent', () => {
    const warn = collect({ level: 'warn' })
    warn.logger.info('skipped')
    warn.logger.debug('skipped')
    warn.logger.warn('kept')
    expect(warn.records().map((record) => record.msg)).toEqual(['kept'])
    const silent = collect({ level: 'silent' })
    silent.logger.error('skipped')
    expect(silent.lines).toEqual([])
  })
})
