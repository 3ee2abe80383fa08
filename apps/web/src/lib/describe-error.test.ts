import { TRPCClientError } from '@trpc/client'
import { describe, expect, it } from 'vitest'
import { describeCode, describeError } from './describe-error'

const clientError = (code: string, message: string) =>
  TRPCClientError.from({
    error: { code: -32600, message, data: { code, httpStatus: 400 } },
  })

describe('describeError', () => {
  it('keeps the field named by a BAD_REQUEST', () => {
    const problem = describeError(clientError('BAD_REQUEST', 'text: text must not be empty'))
    expect(problem.code).toBe('BAD_REQUEST')
    expect(problem.detail).toBe('text: text must not be empty')
  })

  it('explains SERVICE_UNAVAILABLE as the ML service being unreachable', () => {
    const problem = describeError(clientError('SERVICE_UNAVAILABLE', 'connect ECONNREFUSED'))
    expect(problem.title).toMatch(/ML service is not reachable/)
  })

  it('treats an error without a tRPC shape as the server being unreachable', () => {
    expect(describeError(new TypeError('Failed to fetch')).code).toBe('NETWORK')
  })
})

describe('describeCode', () => {
  it('folds provider-style codes onto tRPC codes', () => {
    expect(describeCode('rate_limited', 'slow down').code).toBe('TOO_MANY_REQUESTS')
  })

  it('falls back to the server message for unknown codes', () => {
    expect(describeCode('WEIRD', 'the model exploded')).toEqual({
      code: 'WEIRD',
      title: 'the model exploded',
      detail: null,
    })
  })
})
