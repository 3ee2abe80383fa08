import { describe, expect, it } from 'vitest'
import { EMPTY_KEY_FORM, parseKeyForm } from './parse-key-form'

describe('parseKeyForm', () => {
  it('sends only the name when nothing else is set', () => {
    expect(parseKeyForm({ ...EMPTY_KEY_FORM, name: ' ci ' })).toEqual({
      ok: true,
      input: { name: 'ci' },
    })
  })

  it('sends a budget with its period, the limits and the allowed models', () => {
    const result = parseKeyForm({
      name: 'prod',
      budgetUsd: '12.5',
      budgetPeriod: 'day',
      requestsPerMinute: '60',
      tokensPerMinute: '100000',
      allowedModels: ['groq/llama-3.3-70b-versatile'],
    })
    expect(result).toEqual({
      ok: true,
      input: {
        name: 'prod',
        budgetUsd: 12.5,
        budgetPeriod: 'day',
        requestsPerMinute: 60,
        tokensPerMinute: 100000,
        allowedModels: ['groq/llama-3.3-70b-versatile'],
      },
    })
  })

  it('names the field that is wrong', () => {
    const fields = { ...EMPTY_KEY_FORM, name: 'x' }
    expect(parseKeyForm({ ...fields, name: '  ' })).toMatchObject({ ok: false, error: /name/ })
    expect(parseKeyForm({ ...fields, budgetUsd: '0' })).toMatchObject({ error: /budget/ })
    expect(parseKeyForm({ ...fields, requestsPerMinute: '2.5' })).toMatchObject({
      error: /Requests per minute/,
    })
    expect(parseKeyForm({ ...fields, tokensPerMinute: '-1' })).toMatchObject({
      error: /Tokens per minute/,
    })
  })
})
