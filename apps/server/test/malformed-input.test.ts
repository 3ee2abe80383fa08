// Property test: thousands of malformed inputs to every procedure and REST endpoint get a 4xx
// (tRPC subscriptions carry it as their error event's httpStatus, since SSE headers are already
// sent), never a 5xx, and the server keeps serving afterwards.
import {
  classifyInputSchema,
  compressInputSchema,
  compressMessagesInputSchema,
  generateInputSchema,
  routeInputSchema,
} from '@tokenflow/api'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { camelizeBody } from '../src/rest/case'
import { buildApp } from './build-app'
import { freePort } from './free-port'

type App = Awaited<ReturnType<typeof buildApp>>['app']
let app: App

beforeAll(async () => {
  // A dead ML port: if a malformed input ever slipped through validation, it would surface as a
  // 503 here and fail the property.
  ;({ app } = await buildApp({ ML_SERVICE_URL: `http://127.0.0.1:${await freePort()}` }))
})

const RUNS = Number(process.env.FUZZ_RUNS ?? 500)

type Target = {
  name: string
  schema: z.ZodType
  renames?: Record<string, string>
  valid: Record<string, unknown>
}

const targets: Target[] = [
  { name: 'compress', schema: compressInputSchema, valid: { text: 'hello', ratio: 0.5 } },
  {
    name: 'compressMessages',
    schema: compressMessagesInputSchema,
    valid: { messages: [{ role: 'user', content: 'hello' }], question: 'hello?' },
  },
  {
    name: 'classify',
    schema: classifyInputSchema,
    renames: { possible_categories: 'categories', multi_label: 'multiLabel' },
    valid: { prompt: 'hello', possible_categories: ['a', 'b'] },
  },
  { name: 'generate', schema: generateInputSchema, valid: { prompt: 'hi', model: 'm' } },
  { name: 'route', schema: routeInputSchema, valid: { prompt: 'hi', strategy: 'cheapest' } },
]

const wrongValue = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom(null, -1, 0, 2, 1e308, '', ' ', 'x'.repeat(300), [], {}, [''], true),
)

/** Either raw text, any JSON value, or a valid body with one field broken or one extra field. */
const malformedBody = (target: Target, surface: 'rest' | 'trpc') =>
  fc
    .oneof(
      fc.string().map((text) => ({ raw: text })),
      fc.jsonValue().map((value) => ({ raw: JSON.stringify(value) })),
      fc
        .record({
          key: fc.constantFrom(...Object.keys(target.valid), ...Object.keys(target.renames ?? {})),
          value: wrongValue,
        })
        .map(({ key, value }) => ({ raw: JSON.stringify({ ...target.valid, [key]: value }) })),
      fc
        .dictionary(fc.string({ maxLength: 12 }), wrongValue, { maxKeys: 5 })
        .map((value) => ({ raw: JSON.stringify(value) })),
    )
    .filter(({ raw }) => {
      let parsed: unknown
      try {
        parsed = JSON.parse(raw)
      } catch {
        return true
      }
      // REST renames snake_case keys first; tRPC validates exactly what it was sent.
      const input = surface === 'rest' ? camelizeBody(parsed, target.renames) : parsed
      return !target.schema.safeParse(input).success
    })

const restPath: Record<string, string> = {
  compress: '/api/compress',
  compressMessages: '/api/compress/messages',
  classify: '/api/classify',
  generate: '/api/generate',
  route: '/api/models/select',
}
const trpcPath: Record<string, string> = {
  compress: 'compression.compress',
  compressMessages: 'compression.compressMessages',
  classify: 'classification.classify',
  generate: 'generation.stream',
  route: 'routing.stream',
}

const post = (path: string, raw: string) =>
  app.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: raw })

/** Reads a tRPC SSE response (it ends after an error) and returns the error's httpStatus. */
const subscriptionStatus = async (response: Response): Promise<number> => {
  if (response.headers.get('content-type') !== 'text/event-stream') return response.status
  const text = await response.text()
  const frame = text.split('event: serialized-error\ndata: ')[1]?.split('\n')[0]
  return frame ? (JSON.parse(frame) as { data: { httpStatus: number } }).data.httpStatus : 200
}

const is4xx = (status: number) => status >= 400 && status < 500

describe('malformed input sweep', () => {
  for (const target of targets) {
    it(`REST ${restPath[target.name]} answers 4xx to malformed bodies`, async () => {
      await fc.assert(
        fc.asyncProperty(malformedBody(target, 'rest'), async ({ raw }) => {
          const response = await post(restPath[target.name] as string, raw)
          const body = await response.text()
          if (!is4xx(response.status)) throw new Error(`${response.status} for ${raw}: ${body}`)
        }),
        { numRuns: RUNS },
      )
    })

    const procedure = trpcPath[target.name] as string
    const isSubscription = procedure.endsWith('.stream')
    it(`tRPC ${procedure} answers 4xx to malformed input`, async () => {
      await fc.assert(
        fc.asyncProperty(malformedBody(target, 'trpc'), async ({ raw }) => {
          const response = isSubscription
            ? await app.request(`/trpc/${procedure}?input=${encodeURIComponent(raw)}`)
            : await post(`/trpc/${procedure}`, raw)
          const status = isSubscription ? await subscriptionStatus(response) : response.status
          if (!isSubscription) await response.text()
          if (!is4xx(status)) throw new Error(`${status} for ${raw}`)
        }),
        { numRuns: RUNS },
      )
    })
  }

  it('input-less queries ignore junk input and never fail with a 5xx', async () => {
    // These procedures take no input, so tRPC never parses what is sent; a batch with junk input
    // is parsed and must be a 4xx.
    const garbage = fc.string({ minLength: 1 })
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('models.list', 'models.rankings'),
        garbage,
        fc.boolean(),
        async (procedure, raw, batch) => {
          const query = batch
            ? `batch=1&input=${encodeURIComponent(raw)}`
            : `input=${encodeURIComponent(raw)}`
          const response = await app.request(`/trpc/${procedure}?${query}`)
          await response.text()
          if (response.status >= 500) throw new Error(`${response.status} for ${procedure} ${raw}`)
        },
      ),
      { numRuns: RUNS },
    )
  })

  it('keeps serving after the sweep', async () => {
    expect((await app.request('/healthz')).status).toBe(200)
    const rankings = await app.request('/api/model-rankings')
    expect(rankings.status).toBe(200)
  })
})
