// The console in a real browser against the real stack: each view is used the way a person
// would, found by role and label, and a screenshot of each is kept under e2e/artifacts/.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { launchBrowser } from './browser'

const webUrl = inject('webUrl')
const mlPid = inject('mlPid')
const shots = join(inject('artifactsDir'), 'screenshots')

const LONG_TEXT = [
  'Hello team, I hope you are all doing well. As we discussed in the meeting yesterday afternoon,',
  'the quarterly report needs to be finished by Friday, and I would really appreciate it if',
  'everyone could send me their sections by Wednesday evening at the latest. In particular, the',
  'sales figures for the northern region, the updated marketing budget, and the customer',
  'satisfaction survey results are still missing. Please also double-check that all numbers',
  'match the figures in the finance spreadsheet, because last quarter we had a few',
  'inconsistencies that took a long time to fix. Thank you very much for your help and your',
  'patience, and let me know if you have any questions or if anything is unclear.',
].join(' ')

let browser: Browser
let page: Page

const open = async (view: string) => {
  await page.goto(`${webUrl}/#/${view}`)
  await page.getByRole('heading', { level: 1 }).waitFor()
}

const shoot = (name: string) =>
  page.screenshot({ path: join(shots, `${name}.png`), fullPage: true })

const answers = () => page.getByRole('article', { name: 'Answer' })

/** Samples the answer's length until it is done, so the test sees whether it grew in steps. */
const sampleLengths = async (answer: ReturnType<typeof answers>, until: () => Promise<boolean>) => {
  const lengths: number[] = []
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline && !(await until())) {
    lengths.push(((await answer.textContent()) ?? '').length)
    await page.waitForTimeout(40)
  }
  return lengths
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true })
  browser = await launchBrowser()
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
})

afterAll(async () => {
  await browser?.close()
})

describe('TokenFlow console', () => {
  it('shows the system as ready', async () => {
    await open('chat')
    const status = page.locator('div.status')
    await expect.poll(() => status.getAttribute('data-level'), { timeout: 15_000 }).toBe('ok')
  })

  it('compresses a text and shows counts and struck tokens', async () => {
    await open('compress')
    await page.getByLabel('Text to compress').fill(LONG_TEXT)
    await page.getByLabel('Target ratio').fill('0.4')
    await page.getByRole('button', { name: 'Compress', exact: true }).click()

    const stats = page.getByLabel('Compression results')
    await stats.waitFor({ timeout: 60_000 })
    const count = async (term: string) => {
      const text = await stats.locator('div', { hasText: term }).locator('dd').first().textContent()
      return Number((text ?? '').split(/\s/)[0]?.replace(/,/g, ''))
    }
    const original = await count('Original tokens')
    const compressed = await count('Compressed tokens')
    expect(original).toBeGreaterThan(50)
    expect(compressed).toBeGreaterThan(0)
    expect(compressed).toBeLessThan(original)

    const struck = page.getByRole('region', { name: 'Original' }).locator('del')
    expect(await struck.count()).toBeGreaterThan(0)
    await expect
      .poll(() => struck.first().evaluate((el) => getComputedStyle(el).textDecorationLine))
      .toContain('line-through')
    await shoot('compress')
  })

  it('classifies a prompt and shows a bar per category', async () => {
    await open('classify')
    await page
      .getByLabel('Prompt to classify')
      .fill('Write a Python function that returns the n-th Fibonacci number, step by step.')
    await page.getByLabel('Prompt to classify').press('Control+Enter')

    const bars = page.getByRole('list', { name: 'Category scores' }).getByRole('listitem')
    await bars.first().waitFor({ timeout: 60_000 })
    expect(await bars.count()).toBe(5)
    const widths = await page
      .locator('.bar-fill')
      .evaluateAll((els) => els.map((el) => el.getBoundingClientRect().width))
    expect(widths.every((w) => w > 0)).toBe(true)
    expect(widths[0]).toBe(Math.max(...widths))
    await expect.poll(() => page.getByText('Routing would choose').count()).toBe(1)
    await shoot('classify')
  })

  it('lists the models ranked per category', async () => {
    await open('models')
    const rankings = page.getByRole('region')
    await page.getByRole('table').first().waitFor()
    expect(await rankings.count()).toBeGreaterThanOrEqual(5)
    expect(await page.getByText('available', { exact: true }).count()).toBeGreaterThan(0)
    await shoot('models')
  })

  it('auto-routes a prompt and shows the answer arriving in several steps', async () => {
    await open('chat')
    await page
      .getByRole('textbox', { name: 'Message' })
      .fill('How does token streaming work? Show a short example.')
    await page.getByRole('textbox', { name: 'Message' }).press('Control+Enter')

    const answer = answers().last()
    await answer.waitFor()
    const lengths = await sampleLengths(
      answer,
      async () => (await answer.getAttribute('data-status')) === 'done',
    )
    const steps = new Set(lengths.filter((n) => n > 0))
    expect(steps.size).toBeGreaterThanOrEqual(3)
    expect(await answer.getAttribute('data-status')).toBe('done')
    // The Markdown code block is rendered and highlighted.
    expect(await answer.locator('pre code.hljs').count()).toBe(1)

    const decision = page.getByRole('complementary', { name: 'Routing decision' })
    await expect.poll(() => decision.textContent()).toMatch(/groq/)
    expect(await answer.getByLabel('Answer statistics').count()).toBe(1)
    await shoot('chat')
  })

  it('stops a streaming answer and keeps the text so far', async () => {
    await page.getByRole('textbox', { name: 'Message' }).fill('Tell me again, in more detail.')
    await page.getByRole('button', { name: 'Send' }).click()

    const answer = answers().last()
    await expect
      .poll(async () => Number(await answer.getAttribute('data-chunks')), { timeout: 30_000 })
      .toBeGreaterThanOrEqual(3)
    await page.getByRole('button', { name: 'Stop' }).click()

    await expect.poll(() => answer.getAttribute('data-status')).toBe('stopped')
    const kept = ((await answer.locator('.markdown').textContent()) ?? '').length
    expect(kept).toBeGreaterThan(0)
    await page.waitForTimeout(1_000)
    expect(((await answer.locator('.markdown').textContent()) ?? '').length).toBe(kept)
    expect(await page.getByRole('button', { name: 'Send' }).isVisible()).toBe(true)
    // The Stop click must not also submit the emptied message box.
    expect(await page.getByText('Write a message first.').count()).toBe(0)
    await shoot('chat-stopped')
  })

  it('generates with a model picked by hand', async () => {
    await open('generate')
    const model = page.getByLabel('Model', { exact: true })
    await expect.poll(() => model.inputValue()).not.toBe('')
    await model.selectOption({ label: 'Llama 3.1 8B Instant (Groq)' })
    await page.getByRole('textbox', { name: 'Message' }).fill('Say hello.')
    await page.getByRole('button', { name: 'Send' }).click()
    const answer = answers().last()
    await expect.poll(() => answer.getAttribute('data-status'), { timeout: 30_000 }).toBe('done')
    expect(await answer.textContent()).toContain('Llama 3.1 8B Instant')
    await shoot('generate')
  })

  it('works on a narrow screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    await open('classify')
    const scroll = await page.evaluate(() => document.documentElement.scrollWidth)
    expect(scroll).toBeLessThanOrEqual(390)
    await shoot('classify-narrow')
    await open('chat')
    await shoot('chat-narrow')
    await page.setViewportSize({ width: 1280, height: 900 })
  })

  it('explains a stopped ML service and turns the status indicator red', async () => {
    process.kill(-mlPid, 'SIGTERM')
    await open('compress')
    await page.getByLabel('Text to compress').fill(LONG_TEXT)
    await page.getByRole('button', { name: 'Compress', exact: true }).click()

    const alert = page.getByRole('alert')
    await alert.waitFor({ timeout: 30_000 })
    expect(await alert.textContent()).toMatch(/ML service is not reachable/)

    const status = page.locator('div.status')
    await expect.poll(() => status.getAttribute('data-level'), { timeout: 20_000 }).toBe('down')
    await page.getByRole('button', { name: /System status/ }).click()
    await page.getByText('Start the ML service').waitFor()
    expect(await status.textContent()).toMatch(/Start the ML service/)
    await shoot('ml-down')
  })
})
