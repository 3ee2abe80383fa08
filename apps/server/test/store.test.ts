// The store against real databases: every case runs on SQLite (a file in a temp dir) and on a
// real PostgreSQL server, with the same expectations, hand-computed from the rows put in.
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { RequestRecord } from '@tokenflow/api'
import SqliteDatabase from 'better-sqlite3'
import { Client } from 'pg'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../src/observability/logger'
import { createMetrics, type Metrics } from '../src/observability/metrics'
import { createStore, type StoreOptions } from '../src/store/create-store'
import { InvalidCursorError } from '../src/store/request-queries'
import type { Store } from '../src/store/store'
import { type PostgresServerHandle, startPostgresServer } from './postgres-server'

const HOUR = 3_600_000
const NOW = Date.parse('2025-03-10T12:30:00.000Z')
const iso = (ms: number) => new Date(ms).toISOString()

let postgres: PostgresServerHandle
const dirs: string[] = []
const opened: Store[] = []
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'tokenflow-store-'))
  dirs.push(dir)
  return dir
}
beforeAll(async () => {
  postgres = await startPostgresServer()
})
afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()))
})
afterAll(async () => {
  await postgres?.stop()
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** Where one test's data lives, and how to read a table behind the store's back. */
type Target = {
  databaseUrl?: string
  dataDir: string
  rows(table: string): Promise<Record<string, unknown>[]>
}

let databases = 0
const backends = [
  {
    name: 'sqlite',
    target: async (): Promise<Target> => {
      const dataDir = tempDir()
      return {
        dataDir,
        rows: async (table) => {
          const db = new SqliteDatabase(join(dataDir, 'tokenflow.db'), { readonly: true })
          try {
            return db.prepare(`select * from ${table}`).all() as Record<string, unknown>[]
          } finally {
            db.close()
          }
        },
      }
    },
  },
  {
    name: 'postgres',
    target: async (): Promise<Target> => {
      databases += 1
      const databaseUrl = await postgres.createDatabase(`store_${databases}`)
      return {
        databaseUrl,
        dataDir: tempDir(),
        rows: async (table) => {
          const client = new Client({ connectionString: databaseUrl })
          await client.connect()
          try {
            return (await client.query(`select * from ${table}`)).rows
          } finally {
            await client.end()
          }
        },
      }
    },
  },
]

type Opened = { store: Store; metrics: Metrics; logs: Record<string, unknown>[] }

const open = async (
  target: Pick<Target, 'databaseUrl' | 'dataDir'>,
  options: Partial<StoreOptions> = {},
): Promise<Opened> => {
  const metrics = createMetrics({ defaultMetrics: false })
  const logs: Record<string, unknown>[] = []
  const store = await createStore({
    databaseUrl: target.databaseUrl,
    dataDir: target.dataDir,
    metrics,
    logger: createLogger({ level: 'debug', write: (line) => logs.push(JSON.parse(line)) }),
    // Writes only on flush() or a full batch, so counts do not depend on a timer.
    flushMs: 60_000,
    now: () => NOW,
    ...options,
  })
  opened.push(store)
  return { store, metrics, logs }
}

const counted = async (metrics: Metrics, result: 'written' | 'dropped') =>
  (await metrics.requestLogRows.get()).values.find((value) => value.labels.result === result)
    ?.value ?? 0

let ids = 0
const request = (overrides: Partial<RequestRecord> = {}): RequestRecord => {
  ids += 1
  return {
    id: `req_${String(ids).padStart(5, '0')}`,
    time: iso(NOW - HOUR),
    requestId: null,
    streamId: null,
    apiKeyId: null,
    endpoint: 'trpc',
    kind: 'generation',
    requestedModel: null,
    model: null,
    provider: null,
    category: null,
    confidence: null,
    strategy: null,
    compressionMethod: null,
    originalTokens: null,
    compressedTokens: null,
    fallbacks: 0,
    promptTokens: 0,
    completionTokens: 0,
    costUsd: 0,
    savedTokens: 0,
    savedUsd: 0,
    ttftMs: null,
    totalMs: 0,
    finishReason: null,
    errorCode: null,
    status: 'ok',
    prompt: null,
    answer: null,
    ...overrides,
  }
}

const recorded = async (store: Store, rows: RequestRecord[]) => {
  for (const row of rows) store.requests.record(row)
  await store.requests.flush()
  return rows
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms))

describe.each(backends)('store on $name', ({ name, target: newTarget }) => {
  it('migrates once: a second createStore on the same database keeps its data', async () => {
    const target = await newTarget()
    const first = await open(target)
    const [row] = await recorded(first.store, [request()])
    await first.store.close()
    const second = await open(target)
    expect(await second.store.requests.get(row?.id ?? '')).toEqual(row)
    const migrations = await target.rows('kysely_migration')
    expect(migrations.map((migration) => migration.name)).toEqual(['0001_request_log_and_keys'])
  })

  it('writes every field of a record and reads it back', async () => {
    const { store, metrics } = await open(await newTarget())
    const full = request({
      time: '2025-03-10T11:22:33.456Z',
      requestId: 'http-1',
      streamId: 'stream-1',
      apiKeyId: 'vk_abc',
      endpoint: 'openai',
      kind: 'generation',
      requestedModel: 'groq/llama-3.1-8b-instant',
      model: 'groq/llama-3.3-70b-versatile',
      provider: 'groq',
      category: 'code',
      confidence: 0.875,
      strategy: 'balanced',
      compressionMethod: 'llmlingua',
      originalTokens: 1200,
      compressedTokens: 800,
      fallbacks: 1,
      promptTokens: 800,
      completionTokens: 321,
      costUsd: 0.001234,
      savedTokens: 400,
      savedUsd: 0.000456,
      ttftMs: 123.5,
      totalMs: 4567.25,
      finishReason: 'stop',
      errorCode: 'provider_timeout',
      status: 'error',
      prompt: 'What is 2 + 2? ünïcödé ✓',
      answer: "It's 4.\nDone.",
    })
    const bare = request({ time: '2025-03-10T11:00:00.000Z', kind: 'routing', status: 'aborted' })
    await recorded(store, [full, bare])
    expect(await store.requests.get(full.id)).toEqual(full)
    expect(await store.requests.get(bare.id)).toEqual(bare)
    expect(await store.requests.get('req_missing')).toBeNull()
    expect(await store.requests.list({})).toEqual({ items: [full, bare], nextCursor: null })
    expect(await counted(metrics, 'written')).toBe(2)
  })

  it('filters, and pages newest first without repeating or skipping a row', async () => {
    const { store } = await open(await newTarget())
    // 25 rows in the last day, three sharing each time (the id breaks the tie), one too old.
    const rows = Array.from({ length: 25 }, (_, index) =>
      request({
        time: iso(NOW - (Math.floor(index / 3) + 1) * HOUR),
        model: index % 2 === 0 ? 'm-even' : 'm-odd',
        category: index % 5 === 0 ? 'code' : 'chat',
        status: index % 4 === 0 ? 'error' : 'ok',
        apiKeyId: index < 10 ? 'vk_first' : 'vk_second',
        endpoint: index % 3 === 0 ? 'rest' : 'trpc',
      }),
    )
    const old = request({ time: iso(NOW - 25 * HOUR) })
    await recorded(store, [...rows, old])
    const newestFirst = [...rows]
      .sort((a, b) => Date.parse(b.time) - Date.parse(a.time) || (a.id < b.id ? 1 : -1))
      .map((row) => row.id)

    const seen: string[] = []
    let cursor: string | undefined
    let pages = 0
    do {
      const page = await store.requests.list({ limit: 7, cursor })
      seen.push(...page.items.map((item) => item.id))
      cursor = page.nextCursor ?? undefined
      pages += 1
    } while (cursor)
    expect(pages).toBe(4)
    expect(seen).toEqual(newestFirst)

    const ids = async (filter: Parameters<Store['requests']['list']>[0]) =>
      (await store.requests.list({ limit: 200, ...filter })).items.map((item) => item.id).sort()
    const where = (keep: (row: RequestRecord, index: number) => boolean) =>
      rows
        .filter(keep)
        .map((row) => row.id)
        .sort()
    expect(await ids({ model: 'm-odd' })).toEqual(where((_, index) => index % 2 === 1))
    expect(await ids({ category: 'code' })).toEqual(where((_, index) => index % 5 === 0))
    expect(await ids({ status: 'error' })).toEqual(where((_, index) => index % 4 === 0))
    expect(await ids({ apiKeyId: 'vk_first' })).toEqual(where((_, index) => index < 10))
    expect(await ids({ endpoint: 'rest', model: 'm-even' })).toEqual(
      where((_, index) => index % 3 === 0 && index % 2 === 0),
    )
    // from inclusive, to exclusive.
    expect(await ids({ from: iso(NOW - 2 * HOUR), to: iso(NOW - HOUR) })).toEqual(
      where((_, index) => index >= 3 && index < 6),
    )
    expect(await ids({ from: iso(NOW - 26 * HOUR) })).toEqual([...where(() => true), old.id].sort())
    await expect(store.requests.list({ cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(
      InvalidCursorError,
    )
  })

  it('sums usage and takes nearest-rank ttft percentiles, in total and per bucket', async () => {
    const { store } = await open(await newTarget())
    const at = (time: string) => ({ time: `2025-03-${time}:00.000Z` })
    const usage = (
      prompt: number,
      completion: number,
      cost: number,
      saved: number,
      savedUsd: number,
    ) => ({
      promptTokens: prompt,
      completionTokens: completion,
      costUsd: cost,
      savedTokens: saved,
      savedUsd,
    })
    await recorded(store, [
      request({
        ...at('10T10:05'),
        ...usage(100, 50, 0.5, 10, 0.0625),
        model: 'm1',
        category: 'c1',
        apiKeyId: 'k1',
        ttftMs: 100,
      }),
      request({
        ...at('10T10:40'),
        ...usage(200, 0, 0.25, 0, 0),
        model: 'm2',
        category: 'c1',
        apiKeyId: 'k1',
        status: 'error',
      }),
      request({
        ...at('10T11:10'),
        ...usage(300, 100, 1, 20, 0.125),
        model: 'm1',
        category: 'c2',
        apiKeyId: 'k2',
        ttftMs: 300,
      }),
      request({ ...at('10T11:20'), ...usage(50, 25, 0.125, 0, 0), model: 'm1', category: 'c2' }),
      request({
        ...at('10T11:50'),
        ...usage(10, 0, 0, 5, 0.5),
        model: 'm2',
        apiKeyId: 'k2',
        status: 'aborted',
        ttftMs: 400,
      }),
      request({
        ...at('09T23:30'),
        ...usage(1000, 500, 2, 0, 0),
        model: 'm1',
        category: 'c1',
        apiKeyId: 'k1',
        ttftMs: 50,
      }),
    ])
    // Row 4 (11:20) gets a ttft too: 200.
    store.requests.record(
      request({ ...at('10T11:25'), model: 'm1', category: 'c2', ttftMs: 200, status: 'error' }),
    )
    await store.requests.flush()
    const range = { from: '2025-03-09T00:00:00.000Z', to: '2025-03-11T00:00:00.000Z' }

    // ttft sorted: 50 100 200 300 400 -> p50 is the 3rd, p95 the 5th.
    expect(await store.requests.summary(range)).toEqual({
      ...range,
      requests: 7,
      errors: 2,
      errorRate: 2 / 7,
      promptTokens: 1660,
      completionTokens: 675,
      costUsd: 3.875,
      savedTokens: 35,
      savedUsd: 0.6875,
      ttftP50Ms: 200,
      ttftP95Ms: 400,
    })
    // m1: 50 100 200 300 -> 2nd and 4th.
    const m1 = await store.requests.summary({ ...range, model: 'm1' })
    expect([m1.requests, m1.ttftP50Ms, m1.ttftP95Ms]).toEqual([5, 100, 300])
    // Without bounds: the 24 hours before now.
    expect((await store.requests.summary({})).from).toBe(iso(NOW - 24 * HOUR))
    expect(await store.requests.summary({ from: '2025-01-01T00:00:00Z', to: range.from })).toEqual({
      from: '2025-01-01T00:00:00.000Z',
      to: range.from,
      requests: 0,
      errors: 0,
      errorRate: 0,
      promptTokens: 0,
      completionTokens: 0,
      costUsd: 0,
      savedTokens: 0,
      savedUsd: 0,
      ttftP50Ms: null,
      ttftP95Ms: null,
    })

    const hourly = await store.requests.timeseries({ ...range, bucket: 'hour' })
    expect(hourly).toMatchObject({ ...range, bucket: 'hour', groupBy: 'none' })
    expect(
      hourly.points.map((point) => [
        point.start,
        point.group,
        point.requests,
        point.errors,
        point.costUsd,
        point.ttftP50Ms,
        point.ttftP95Ms,
      ]),
    ).toEqual([
      ['2025-03-09T23:00:00.000Z', null, 1, 0, 2, 50, 50],
      ['2025-03-10T10:00:00.000Z', null, 2, 1, 0.75, 100, 100],
      // 200 300 400: 2nd and 3rd.
      ['2025-03-10T11:00:00.000Z', null, 4, 1, 1.125, 300, 400],
    ])
    expect(hourly.points[2]).toMatchObject({
      promptTokens: 360,
      completionTokens: 125,
      savedTokens: 25,
      savedUsd: 0.625,
      errorRate: 0.25,
    })

    const byModel = await store.requests.timeseries({ ...range, bucket: 'day', groupBy: 'model' })
    expect(byModel.points.map((point) => [point.start, point.group, point.requests])).toEqual([
      ['2025-03-09T00:00:00.000Z', 'm1', 1],
      ['2025-03-10T00:00:00.000Z', 'm1', 4],
      ['2025-03-10T00:00:00.000Z', 'm2', 2],
    ])
    const byCategory = await store.requests.timeseries({
      ...range,
      bucket: 'day',
      groupBy: 'category',
      from: '2025-03-10T00:00:00Z',
    })
    expect(
      byCategory.points.map((point) => [point.group, point.requests, point.ttftP50Ms]),
    ).toEqual([
      [null, 1, 400],
      ['c1', 2, 100],
      ['c2', 3, 200],
    ])
    const byKey = await store.requests.timeseries({ ...range, bucket: 'day', groupBy: 'key' })
    expect(byKey.points.map((point) => [point.start, point.group, point.requests])).toEqual([
      ['2025-03-09T00:00:00.000Z', 'k1', 1],
      ['2025-03-10T00:00:00.000Z', null, 2],
      ['2025-03-10T00:00:00.000Z', 'k1', 2],
      ['2025-03-10T00:00:00.000Z', 'k2', 2],
    ])
  })

  it('creates, verifies and revokes keys, storing only the hash of the secret', async () => {
    const target = await newTarget()
    const { store } = await open(target)
    const { key, record } = await store.keys.create({
      name: 'ci',
      budgetUsd: 5,
      budgetPeriod: 'month',
      requestsPerMinute: 60,
      tokensPerMinute: 10_000,
      allowedModels: ['groq/llama-3.1-8b-instant'],
    })
    expect(key).toMatch(/^tf_[A-Za-z0-9_-]{43}$/)
    expect(record).toEqual({
      id: expect.stringMatching(/^vk_/),
      name: 'ci',
      prefix: key.slice(0, 10),
      createdAt: iso(NOW),
      revokedAt: null,
      budgetUsd: 5,
      budgetPeriod: 'month',
      requestsPerMinute: 60,
      tokensPerMinute: 10_000,
      allowedModels: ['groq/llama-3.1-8b-instant'],
      spentUsd: 0,
      periodStart: '2025-03-01T00:00:00.000Z',
    })
    const plain = await store.keys.create({ name: 'plain' })
    expect(plain.record).toMatchObject({ budgetUsd: null, periodStart: null, allowedModels: null })

    expect(await store.keys.verify(key)).toEqual({
      id: record.id,
      name: 'ci',
      budgetUsd: 5,
      budgetPeriod: 'month',
      requestsPerMinute: 60,
      tokensPerMinute: 10_000,
      allowedModels: ['groq/llama-3.1-8b-instant'],
    })
    expect(await store.keys.verify(`${key.slice(0, -1)}x`)).toBeNull()
    expect(await store.keys.verify('sk-not-ours')).toBeNull()

    const stored = await target.rows('api_keys')
    expect(stored).toHaveLength(2)
    expect(JSON.stringify(stored)).not.toContain(key.slice(10))
    expect(stored.find((row) => row.id === record.id)?.hash).toBe(
      createHash('sha256').update(key).digest('hex'),
    )

    // The verify above is cached; a revoke through this store still takes effect at once.
    expect(await store.keys.revoke(record.id)).toBe(true)
    expect(await store.keys.verify(key)).toBeNull()
    expect(await store.keys.revoke(record.id)).toBe(false)
    expect(await store.keys.revoke('vk_unknown')).toBe(false)
    expect(await store.keys.verify(plain.key)).toMatchObject({ id: plain.record.id })
    const listed = await store.keys.list()
    expect(listed.items.map((item) => [item.name, item.revokedAt])).toEqual(
      expect.arrayContaining([
        ['ci', iso(NOW)],
        ['plain', null],
      ]),
    )
  })

  it('never lets 200 concurrent reservations exceed the budget', async () => {
    const target = await newTarget()
    const { store } = await open(target)
    const { record } = await store.keys.create({ name: 'tight', budgetUsd: 1, budgetPeriod: 'day' })
    const results = await Promise.all(
      Array.from({ length: 200 }, () => store.keys.reserve(record.id, 0.0625)),
    )
    expect(results.filter((result) => result.ok)).toHaveLength(16)
    for (const result of results)
      if (!result.ok) {
        expect(result.budgetUsd).toBe(1)
        expect(result.spentUsd + result.reservedUsd).toBeLessThanOrEqual(1)
      }
    const [period] = await target.rows('key_budgets')
    expect(Number(period?.reserved_usd)).toBe(1)
    expect(Number(period?.period_start)).toBe(Date.parse('2025-03-10T00:00:00Z'))
    expect(await target.rows('key_reservations')).toHaveLength(16)
  })

  it('settles a reservation once, into the period it was made in', async () => {
    let clock = NOW
    const target = await newTarget()
    const { store } = await open(target, { now: () => clock })
    const { record } = await store.keys.create({ name: 'daily', budgetUsd: 1, budgetPeriod: 'day' })
    const first = await store.keys.reserve(record.id, 0.5)
    if (!first.ok) throw new Error('the first reservation was refused')
    await store.keys.settle(record.id, first.id, 0.25)
    await store.keys.settle(record.id, first.id, 0.25)
    expect((await store.keys.list()).items[0]?.spentUsd).toBe(0.25)
    expect(await store.keys.reserve(record.id, 0.75)).toMatchObject({ ok: true })
    expect(await store.keys.reserve(record.id, 0.125)).toEqual({
      ok: false,
      spentUsd: 0.25,
      reservedUsd: 0.75,
      budgetUsd: 1,
    })

    // Made before midnight, settled after: the cost belongs to the day it was reserved in.
    clock = Date.parse('2025-03-10T23:59:00Z')
    const late = await store.keys.reserve(record.id, 0)
    if (!late.ok) throw new Error('a zero reservation was refused')
    clock = Date.parse('2025-03-11T00:01:00Z')
    await store.keys.settle(record.id, late.id, 0.5)
    expect((await store.keys.list()).items[0]).toMatchObject({
      spentUsd: 0,
      periodStart: '2025-03-11T00:00:00.000Z',
    })
    const days = await target.rows('key_budgets')
    expect(days.map((row) => [Number(row.period_start), Number(row.spent_usd)])).toEqual([
      [Date.parse('2025-03-10T00:00:00Z'), 0.75],
    ])

    // A reservation never settled (a crashed gateway) stops blocking once it is stale.
    const held = await store.keys.reserve(record.id, 1)
    expect(held.ok).toBe(true)
    expect((await store.keys.reserve(record.id, 0.5)).ok).toBe(false)
    clock += 16 * 60_000
    expect((await store.keys.reserve(record.id, 0.5)).ok).toBe(true)

    const unlimited = await store.keys.create({ name: 'unlimited' })
    const free = await store.keys.reserve(unlimited.record.id, 100)
    expect(free).toEqual({ ok: true, id: expect.any(String) })
    if (free.ok) await store.keys.settle(unlimited.record.id, free.id, 100)
    expect(await store.keys.reserve('static-key-hash', 1)).toMatchObject({ ok: true })
  })

  it('writes a full batch without a flush, and drops what overflows the queue', async () => {
    const { store, metrics } = await open(await newTarget(), { batchSize: 3, maxQueue: 5 })
    for (let index = 0; index < 3; index += 1) store.requests.record(request())
    const deadline = Date.now() + 10_000
    while ((await counted(metrics, 'written')) < 3 && Date.now() < deadline) await sleep(20)
    expect(await counted(metrics, 'written')).toBe(3)

    const { store: small, metrics: smallMetrics } = await open(await newTarget(), { maxQueue: 5 })
    for (let index = 0; index < 8; index += 1) small.requests.record(request())
    store.requests.record(request({ time: 'yesterday' }))
    expect(await counted(smallMetrics, 'dropped')).toBe(3)
    expect(await counted(metrics, 'dropped')).toBe(1)
    await small.requests.flush()
    expect(await counted(smallMetrics, 'written')).toBe(5)
    expect(small.health()).toMatchObject({
      name: 'database',
      kind: 'state',
      status: 'up',
      detail: expect.stringContaining('3 request log rows dropped'),
      latencyMs: null,
    })
  })

  it('keeps record() harmless while the database is unavailable', async () => {
    // SQLite: another process holds the write lock. PostgreSQL: the server stops.
    const server = name === 'postgres' ? await startPostgresServer() : undefined
    const target = server ? { databaseUrl: server.url, dataDir: tempDir() } : await newTarget()
    const { store, metrics, logs } = await open(target)
    await recorded(store, [request()])
    expect(store.health().status).toBe('up')

    let locker: SqliteDatabase.Database | undefined
    if (server) await server.stop()
    else {
      locker = new SqliteDatabase(join(target.dataDir, 'tokenflow.db'))
      locker.exec('begin exclusive')
    }
    const rows = [request(), request(), request()]
    for (const row of rows) expect(() => store.requests.record(row)).not.toThrow()
    await store.requests.flush()
    expect(store.health().status).toBe('down')
    expect(await counted(metrics, 'dropped')).toBe(0)
    // Retried once on the next flush, then dropped.
    await store.requests.flush()
    expect(await counted(metrics, 'dropped')).toBe(3)
    expect((await metrics.requestLogWriteErrors.get()).values[0]?.value).toBe(2)
    expect(store.health()).toMatchObject({
      status: 'down',
      detail: expect.stringContaining('3 request log rows dropped'),
    })
    expect(logs.filter((line) => line.msg === 'database unavailable')).toHaveLength(1)

    if (locker) {
      // Reads still work on a locked file; that does not hide the failing writes.
      expect((await store.requests.list({})).items).toHaveLength(1)
      expect(store.health().status).toBe('down')
      locker.exec('commit')
      locker.close()
      const [after] = await recorded(store, [request()])
      expect(store.health().status).toBe('up')
      expect(await store.requests.get(after?.id ?? '')).toEqual(after)
      expect(logs.filter((line) => line.msg === 'database available again')).toHaveLength(1)
    }
    await expect(store.close()).resolves.toBeUndefined()
  })
})

describe('database URLs', () => {
  it('opens SQLite files named by sqlite: and file: URLs, and refuses other schemes', async () => {
    const dir = tempDir()
    await open({ databaseUrl: `sqlite:${join(dir, 'a', 'one.db')}`, dataDir: dir })
    await open({ databaseUrl: `file://${join(dir, 'two.db')}`, dataDir: dir })
    expect(existsSync(join(dir, 'a', 'one.db'))).toBe(true)
    expect(existsSync(join(dir, 'two.db'))).toBe(true)
    const file = new SqliteDatabase(join(dir, 'two.db'), { readonly: true })
    expect(file.pragma('journal_mode', { simple: true })).toBe('wal')
    file.close()
    await expect(open({ databaseUrl: 'mysql://localhost/db', dataDir: dir })).rejects.toThrow(
      /DATABASE_URL/,
    )
  })
})
