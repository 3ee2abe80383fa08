import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import type { KeyCreateInput, KeyRecord, KeyService } from '@tokenflow/api'
import { TRPCError } from '@trpc/server'
import { afterEach, describe, expect, it } from 'vitest'
import { testModel } from '../test/models'
import { renderWithServices } from '../test/render-with-services'
import { KeysView } from './keys-view'

const models = {
  list: async () => ({ models: [testModel] }),
  rankings: async () => ({ categories: [] }),
}

const keyRecord = (id: string, overrides: Partial<KeyRecord> = {}): KeyRecord => ({
  id,
  name: id,
  prefix: `tf_${id.slice(0, 4)}`,
  createdAt: '2025-01-10T12:00:00.000Z',
  revokedAt: null,
  budgetUsd: null,
  budgetPeriod: null,
  requestsPerMinute: null,
  tokensPerMinute: null,
  allowedModels: null,
  spentUsd: 0,
  periodStart: null,
  ...overrides,
})

const SECRET = 'tf_new1_s3cr3t-only-shown-once'

/** Keys kept in memory, as the server would; what create and revoke were asked. */
const keyStore = (initial: KeyRecord[]) => {
  const items = [...initial]
  const created: KeyCreateInput[] = []
  const revoked: string[] = []
  const keys: KeyService = {
    list: async () => ({ items: [...items] }),
    create: async (input) => {
      created.push(input)
      const record = keyRecord('new1', {
        name: input.name,
        budgetUsd: input.budgetUsd ?? null,
        budgetPeriod: input.budgetPeriod ?? null,
        requestsPerMinute: input.requestsPerMinute ?? null,
        tokensPerMinute: input.tokensPerMinute ?? null,
        allowedModels: input.allowedModels ?? null,
      })
      items.push(record)
      return { key: SECRET, record }
    },
    revoke: async ({ id }) => {
      revoked.push(id)
      const index = items.findIndex((item) => item.id === id)
      const item = items[index]
      if (!item || item.revokedAt) return { revoked: false }
      items[index] = { ...item, revokedAt: '2025-02-01T08:00:00.000Z' }
      return { revoked: true }
    },
  }
  return { keys, created, revoked }
}

const staging = keyRecord('staging', {
  budgetUsd: 5,
  budgetPeriod: 'day',
  spentUsd: 1.5,
  requestsPerMinute: 60,
  tokensPerMinute: 100_000,
  allowedModels: [testModel.id],
  periodStart: '2025-02-01T00:00:00.000Z',
})

const list = () => screen.findByRole('table', { name: 'API keys' })
const rowOf = async (name: string) => {
  const row = within(await list())
    .getByRole('rowheader', { name: new RegExp(`^${name}`) })
    .closest('tr')
  if (!row) throw new Error(`no row for ${name}`)
  return row
}

afterEach(cleanup)

describe('KeysView', () => {
  it('lists keys with their spend against the budget and their limits', async () => {
    const { keys } = keyStore([staging, keyRecord('batch', { spentUsd: 12 })])
    renderWithServices(<KeysView />, { keys, models })
    const row = within(await rowOf('staging'))
    const bar = row.getByRole('progressbar', { name: 'Spend against budget' })
    expect(bar.getAttribute('aria-valuenow')).toBe('1.5')
    expect(bar.getAttribute('aria-valuemax')).toBe('5')
    expect(row.getByText('$1.50 of $5.00 per day')).toBeTruthy()
    expect(row.getByText('60 req/min · 100,000 tokens/min')).toBeTruthy()
    expect(row.getByText(testModel.id)).toBeTruthy()
    expect(row.getByText('active')).toBeTruthy()

    const batch = within(await rowOf('batch'))
    expect(batch.queryByRole('progressbar')).toBeNull()
    expect(batch.getByText('no budget')).toBeTruthy()
    expect(batch.getByText('none')).toBeTruthy()
    expect(batch.getByText('all')).toBeTruthy()
  })

  it('creates a key and shows its secret once', async () => {
    const { keys, created } = keyStore([])
    renderWithServices(<KeysView />, { keys, models })
    expect(await screen.findByText(/No keys yet/)).toBeTruthy()
    const form = screen.getByRole('form', { name: 'Create a key' })
    fireEvent.change(within(form).getByLabelText('Name'), { target: { value: '  ci runner ' } })
    fireEvent.change(within(form).getByLabelText('Budget (USD)'), { target: { value: '20' } })
    fireEvent.change(within(form).getByLabelText('Budget period'), { target: { value: 'day' } })
    fireEvent.change(within(form).getByLabelText('Requests / min'), { target: { value: '30' } })
    fireEvent.click(await within(form).findByLabelText(testModel.displayName))
    fireEvent.click(within(form).getByRole('button', { name: 'Create key' }))

    const secret = await screen.findByLabelText('New API key')
    expect((secret as HTMLInputElement).value).toBe(SECRET)
    expect(screen.getByRole('status').textContent).toMatch(/won't see it again/)
    expect(screen.getByRole('button', { name: 'Copy key' })).toBeTruthy()
    expect(created).toEqual([
      {
        name: 'ci runner',
        budgetUsd: 20,
        budgetPeriod: 'day',
        requestsPerMinute: 30,
        allowedModels: [testModel.id],
      },
    ])
    // The list shows the new key by its prefix, never the secret; the form is empty again.
    const row = within(await rowOf('ci runner'))
    expect(row.getByText('$0 of $20.00 per day')).toBeTruthy()
    expect(within(await list()).queryByText(SECRET)).toBeNull()
    expect((within(form).getByLabelText('Name') as HTMLInputElement).value).toBe('')

    fireEvent.click(screen.getByRole('button', { name: 'Done' }))
    expect(screen.queryByLabelText('New API key')).toBeNull()
    expect(screen.queryByDisplayValue(SECRET)).toBeNull()
    expect(screen.queryByText(SECRET)).toBeNull()
  })

  it('refuses a form without a name or with a bad limit before sending it', async () => {
    const { keys, created } = keyStore([])
    renderWithServices(<KeysView />, { keys, models })
    const form = await screen.findByRole('form', { name: 'Create a key' })
    fireEvent.click(within(form).getByRole('button', { name: 'Create key' }))
    expect((await within(form).findByRole('alert')).textContent).toMatch(/name/)
    fireEvent.change(within(form).getByLabelText('Name'), { target: { value: 'x' } })
    fireEvent.change(within(form).getByLabelText('Tokens / min'), { target: { value: '1.5' } })
    fireEvent.click(within(form).getByRole('button', { name: 'Create key' }))
    expect(within(form).getByRole('alert').textContent).toMatch(/Tokens per minute/)
    expect(created).toEqual([])
  })

  it('revokes a key only after the confirmation', async () => {
    const { keys, revoked } = keyStore([staging])
    renderWithServices(<KeysView />, { keys, models })
    const row = within(await rowOf('staging'))
    fireEvent.click(row.getByRole('button', { name: 'Revoke staging' }))
    expect(revoked).toEqual([])
    fireEvent.click(row.getByRole('button', { name: 'Cancel' }))
    expect(row.queryByRole('button', { name: 'Yes, revoke staging' })).toBeNull()

    fireEvent.click(row.getByRole('button', { name: 'Revoke staging' }))
    fireEvent.click(row.getByRole('button', { name: 'Yes, revoke staging' }))
    await waitFor(() => expect(row.getByText(/^revoked/)).toBeTruthy())
    expect(revoked).toEqual(['staging'])
    expect(row.queryByRole('button', { name: /Revoke/ })).toBeNull()
  })

  it('explains that a virtual key cannot manage keys', async () => {
    const refuse = async (): Promise<never> => {
      throw new TRPCError({ code: 'FORBIDDEN', message: 'this procedure needs an admin API key' })
    }
    renderWithServices(<KeysView />, {
      keys: { list: refuse, create: refuse, revoke: refuse },
      models,
    })
    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toMatch(/needs an admin API key/)
    expect(alert.textContent).toMatch(/TOKENFLOW_API_KEYS/)
    expect(screen.queryByRole('form', { name: 'Create a key' })).toBeNull()
  })
})
