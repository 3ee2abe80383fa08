// The access log's metric labels stay bounded however a caller shapes its tRPC URLs.
import { describe, expect, it } from 'vitest'
import { buildApp } from '../../test/build-app'
import { freePort } from '../../test/free-port'

const routeLabels = (metrics: string) =>
  new Set(
    [...metrics.matchAll(/tokenflow_http_requests_total\{route="([^"]+)"/g)].map(
      (match) => match[1],
    ),
  )

describe('access log', () => {
  it('labels a tRPC batch by its procedure, or as one batch label, never by its length', async () => {
    const { app, lines } = await buildApp({
      ML_SERVICE_URL: `http://127.0.0.1:${await freePort()}`,
    })
    const batchInput = (n: number) =>
      encodeURIComponent(
        JSON.stringify(Object.fromEntries(Array.from({ length: n }, (_, i) => [i, {}]))),
      )
    const paths = [
      '/trpc/models.list',
      `/trpc/models.list,models.list?batch=1&input=${batchInput(2)}`,
      `/trpc/models.list,models.list,models.list?batch=1&input=${batchInput(3)}`,
      `/trpc/models.list,models.rankings?batch=1&input=${batchInput(2)}`,
      `/trpc/models.rankings,models.list,models.list?batch=1&input=${batchInput(3)}`,
      '/trpc/no.such,models.list?batch=1',
    ]
    for (const path of paths) {
      const response = await app.request(path)
      expect(response.status).toBeLessThan(500)
    }
    const metrics = await (await app.request('/metrics')).text()
    expect(routeLabels(metrics)).toEqual(
      new Set(['trpc:models.list', 'trpc:batch', 'trpc:unknown']),
    )
    const logged = lines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === 'request')
    expect(logged.map((entry) => entry.route)).toEqual([
      'trpc:models.list',
      'trpc:models.list',
      'trpc:models.list',
      'trpc:batch',
      'trpc:batch',
      'trpc:unknown',
    ])
  })
})
