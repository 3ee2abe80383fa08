// The request log, the usage charts and virtual keys in a real browser against the real stack.
// Requests go straight to the gateway's OpenAI-compatible API with a named model, so nothing
// here needs the ML service: this file passes before or after console.test.ts stops it.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import catalogModels from '@tokenflow/catalog/models.json' with { type: 'json' }
import type { Browser, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { launchBrowser } from './browser'

const webUrl = inject('webUrl')
const serverUrl = inject('serverUrl')
const adminKey = inject('adminKey')
const shots = join(inject('artifactsDir'), 'screenshots')

const LLAMA = 'groq/llama-3.1-8b-instant'
const LLAMA_LABEL = 'Llama 3.1 8B Instant (Groq)'
const GPT_OSS = 'groq/openai/gpt-oss-20b'
const UNKNOWN = 'groq/no-such-model'

// The budget check reserves a request's estimate (the prompt at about 4 characters a token plus
// max_tokens, at the model's prices) and then charges what it really cost. With max_tokens 1 a
// short prompt on Llama 3.1 8B is estimated at well under $0.000001, but the fake provider
// ignores max_tokens and answers the whole scripted Markdown (about 70 tokens, some $0.000006):
// the first request fits the budget, and once it is charged the next one cannot.
const BUDGET_USD = 0.000002
const BUDGET_TEXT = '$0.00000200'

type Usage = { prompt_tokens: number; completion_tokens: number }
type Answer = { status: number; body: { usage?: Usage; error?: { code?: string | null } } }

/** One non-streamed chat completion on /v1, sent as `key`. */
const complete = async (model: string, key: string): Promise<Answer> => {
  const response = await fetch(`${serverUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({
      model,
      messages: [{ role: 'user', content: 'Say hello.' }],
      max_tokens: 1,
    }),
  })
  return { status: response.status, body: (await response.json()) as Answer['body'] }
}

/** An admin tRPC query, straight to the server (what the console's proxy does for the page). */
const query = async <T>(path: string, input?: unknown): Promise<T> => {
  const url = new URL(`/trpc/${path}`, serverUrl)
  if (input !== undefined) url.searchParams.set('input', JSON.stringify(input))
  const response = await fetch(url, { headers: { authorization: `Bearer ${adminKey}` } })
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`)
  return ((await response.json()) as { result: { data: T } }).result.data
}

type Summary = { requests: number; errors: number }
type KeyRecord = { name: string; prefix: string; spentUsd: number }

const summary = () => query<Summary>('usage.summary', {})

const costOf = (model: string, usage: Usage) => {
  const pricing = catalogModels.models.find((m) => m.id === model)?.pricing
  if (!pricing) throw new Error(`${model} is not in the catalog`)
  return (
    (usage.prompt_tokens * pricing.inputPerMillion +
      usage.completion_tokens * pricing.outputPerMillion) /
    1e6
  )
}

let browser: Browser
let page: Page

const open = async (view: string) => {
  await page.goto(`${webUrl}/#/${view}`)
  await page.getByRole('heading', { level: 1 }).waitFor()
}

const shoot = (name: string) =>
  page.screenshot({ path: join(shots, `${name}.png`), fullPage: true })

/** The value of a term in a definition list (`<div><dt>term</dt><dd>value</dd></div>`). */
const fact = (list: Locator, term: string) =>
  list
    .locator('div')
    .filter({ has: page.getByText(term, { exact: true }) })
    .locator('dd')
    .first()

beforeAll(async () => {
  mkdirSync(shots, { recursive: true })
  browser = await launchBrowser()
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  // The key's Copy button writes to the clipboard; the test reads the secret back from it.
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: webUrl })
  page = await context.newPage()
})

afterAll(async () => {
  await browser?.close()
})

describe('request log, usage and keys', () => {
  // The log may already hold the console tests' requests; this file counts its own on top.
  let before: Summary

  it('counts the requests made and charts them', async () => {
    before = await summary()
    const answers = await Promise.all([
      complete(LLAMA, adminKey),
      complete(LLAMA, adminKey),
      complete(GPT_OSS, adminKey),
      complete(UNKNOWN, adminKey),
    ])
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 404])
    // Rows are written in batches off the request path: wait until the server has them all.
    await expect
      .poll(async () => (await summary()).requests, { timeout: 15_000 })
      .toBe(before.requests + 4)

    await open('usage')
    const totals = page.getByLabel('Usage totals')
    await totals.waitFor()
    expect(await fact(totals, 'Requests').textContent()).toBe(String(before.requests + 4))
    expect(await fact(totals, 'Error rate').textContent()).toContain(
      `${before.errors + 1} error${before.errors + 1 === 1 ? '' : 's'}`,
    )
    expect(await fact(totals, 'Cost').textContent()).toMatch(/^\$0\.0+[1-9]/)

    const chart = (title: string) => page.getByRole('figure', { name: title })
    /** Heights of the chart's drawn data shapes (`selector`), once there are any. */
    const heights = async (title: string, selector: string) => {
      const shapes = chart(title).locator(selector)
      await shapes.first().waitFor()
      return shapes.evaluateAll((paths) =>
        paths.map((path) => (path as SVGGraphicsElement).getBBox().height),
      )
    }
    // Data drawn, not only axes: the spend area rises where the requests were, the mixes have
    // a bar per series (the three requests' models and the unknown one's "(none)").
    expect(
      Math.max(...(await heights('Spend and savings', 'path.recharts-area-area'))),
    ).toBeGreaterThan(0)
    const categoryBars = await heights('Routing mix by category', '.recharts-bar-rectangle path')
    const modelBars = await heights('Routing mix by model', '.recharts-bar-rectangle path')
    expect(Math.max(...categoryBars)).toBeGreaterThan(0)
    expect(modelBars.filter((height) => height > 0).length).toBeGreaterThanOrEqual(3)
    const legend = await chart('Routing mix by model')
      .locator('.recharts-legend-wrapper')
      .textContent()
    expect(legend).toContain(`${LLAMA} (`)
    expect(legend).toContain(`${GPT_OSS} (`)
    // One hour with requests is one point on these lines: placed, though a lone point is drawn
    // as nothing (the lines have no dots).
    for (const title of ['Time to first token', 'Error rate']) {
      const line = chart(title).locator('path.recharts-line-curve').first()
      await line.waitFor({ state: 'attached' })
      expect(await line.getAttribute('d')).toMatch(/^M[\d.]+,[\d.]+/)
    }
    await shoot('usage')
  })

  it('lists the requests, filters them and opens one', async () => {
    await open('requests')
    const rows = page.getByRole('table', { name: 'Requests' }).locator('tbody tr')
    await rows.first().waitFor()

    // Only this file calls the OpenAI-compatible API.
    await page.getByLabel('Endpoint', { exact: true }).selectOption({ label: 'OpenAI-compatible' })
    await expect.poll(() => rows.count()).toBe(4)
    await page.getByLabel('Model', { exact: true }).selectOption({ label: LLAMA_LABEL })
    await expect.poll(() => rows.count()).toBe(2)
    const models = await rows.locator('td[data-column="model"]').allTextContents()
    expect(models).toEqual([LLAMA, LLAMA])

    await page.getByLabel('Model', { exact: true }).selectOption({ label: 'Any' })
    await page.getByLabel('Status', { exact: true }).selectOption({ label: 'Error' })
    await expect.poll(() => rows.count()).toBe(1)
    expect(await rows.first().locator('td[data-column="model"]').textContent()).toBe(UNKNOWN)
    expect(await rows.first().getAttribute('data-status')).toBe('error')
    await shoot('requests-filtered')

    await page.getByLabel('Status', { exact: true }).selectOption({ label: 'OK' })
    await page.getByLabel('Model', { exact: true }).selectOption({ label: LLAMA_LABEL })
    await expect.poll(() => rows.count()).toBe(2)
    await rows
      .first()
      .getByRole('button', { name: /^Details of the request at/ })
      .click()

    const drawer = page.getByRole('dialog', { name: 'Request details' })
    const decision = drawer.getByRole('region', { name: 'Decision' })
    await decision.waitFor()
    expect(await fact(decision, 'Requested model').textContent()).toBe(LLAMA)
    expect(await fact(decision, 'Answered by').textContent()).toBe(LLAMA)
    expect(await fact(decision, 'Provider').textContent()).toBe('groq')
    const timings = drawer.getByRole('region', { name: 'Usage and timings' })
    expect(await fact(timings, 'First token').textContent()).toMatch(/^\d+(\.\d+)? m?s$/)
    expect(await fact(timings, 'Total').textContent()).toMatch(/^\d+(\.\d+)? m?s$/)
    expect(await fact(timings, 'Tokens').textContent()).toMatch(/^\d+ in · [1-9]\d* out$/)
    await shoot('request-drawer')

    await drawer.getByRole('button', { name: 'Close' }).click()
    await drawer.waitFor({ state: 'detached' })
  })

  it('creates a key with a budget, refuses it over budget, and revokes it', async () => {
    await open('keys')
    const form = page.getByRole('form', { name: 'Create a key' })
    await form.getByLabel('Name').fill('e2e budget')
    await form.getByLabel('Budget (USD)').fill(String(BUDGET_USD))
    await form.getByLabel('Budget period').selectOption({ label: 'per day' })
    await form.getByRole('button', { name: 'Create key' }).click()

    await page.getByRole('heading', { name: 'Key “e2e budget” created' }).waitFor()
    const shown = await page.getByLabel('New API key').inputValue()
    expect(shown).toMatch(/^tf_/)
    await page.getByRole('button', { name: 'Copy key' }).click()
    await page.getByRole('button', { name: 'Copied' }).waitFor()
    const secret = await page.evaluate(() => navigator.clipboard.readText())
    expect(secret).toBe(shown)
    await shoot('key-created')

    const first = await complete(LLAMA, secret)
    expect(first.status).toBe(200)
    const firstCost = costOf(LLAMA, first.body.usage ?? { prompt_tokens: 0, completion_tokens: 0 })
    expect(firstCost).toBeGreaterThan(BUDGET_USD)
    // The real cost is charged when the request has ended, just after its answer is sent.
    const key = async () =>
      (await query<{ items: KeyRecord[] }>('keys.list')).items.find((k) => k.name === 'e2e budget')
    await expect.poll(async () => (await key())?.spentUsd ?? 0).toBeGreaterThan(0)
    expect((await key())?.spentUsd).toBeCloseTo(firstCost, 9)

    const refused = await complete(LLAMA, secret)
    expect(refused.status).toBe(429)
    expect(refused.body.error?.code).toBe('insufficient_quota')

    await page.reload()
    await page.getByRole('heading', { name: 'Keys', level: 1 }).waitFor()
    // The secret was shown once; a fresh page has only its prefix.
    expect(await page.getByLabel('New API key').count()).toBe(0)
    const row = page
      .getByRole('table', { name: 'API keys' })
      .getByRole('row', { name: /e2e budget/ })
    const spend = row.getByRole('progressbar', { name: 'Spend against budget' })
    await spend.waitFor()
    const spent = await spend.getAttribute('aria-valuetext')
    expect(spent).toMatch(/^\$0\.0000\d+ of /)
    expect(spent).toContain(` of ${BUDGET_TEXT} per day (`)
    expect(await row.locator('.budget').getAttribute('data-level')).toBe('over')
    const prefix = (await key())?.prefix ?? 'no key'
    expect(secret.startsWith(prefix)).toBe(true)
    expect(await row.textContent()).toContain(`${prefix}…`)
    await shoot('key-over-budget')

    await row.getByRole('button', { name: 'Revoke e2e budget' }).click()
    await row.getByRole('button', { name: 'Yes, revoke e2e budget' }).click()
    await row.getByText(/^revoked /).waitFor()
    expect(await row.getByRole('button', { name: /Revoke/ }).count()).toBe(0)
    await shoot('key-revoked')

    expect((await complete(LLAMA, secret)).status).toBe(401)
  })
})
