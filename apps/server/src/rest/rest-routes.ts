// The seed's REST API under /api: thin adapters over the same services as tRPC, validated with
// the same zod schemas, answering in snake_case. Errors are thrown to the app's one onError.
import {
  classifyInputSchema,
  compressInputSchema,
  compressMessagesInputSchema,
  generateInputSchema,
  routeInputSchema,
  type Services,
} from '@tokenflow/api'
import { Hono } from 'hono'
import type { AppEnv } from '../app-env'
import { snakeize } from './case'
import { parseBody } from './parse-body'
import { streamSeedSSE } from './stream-sse'

export type RestRoutesOptions = {
  services: Services
  onStreamError: (error: unknown) => void
}

export const createRestRoutes = ({ services, onStreamError }: RestRoutesOptions) => {
  const api = new Hono<AppEnv>()
  const call = (c: { get(key: 'requestId'): string; req: { raw: Request } }) => ({
    signal: c.req.raw.signal,
    requestId: c.get('requestId'),
  })

  api.post('/compress', async (c) => {
    const input = await parseBody(c, compressInputSchema)
    return c.json(snakeize(await services.compression.compress(input, call(c))))
  })

  api.post('/compress/messages', async (c) => {
    const input = await parseBody(c, compressMessagesInputSchema)
    return c.json(snakeize(await services.compression.compressMessages(input, call(c))))
  })

  api.post('/classify', async (c) => {
    const input = await parseBody(c, classifyInputSchema, {
      possible_categories: 'categories',
      multi_label: 'multiLabel',
    })
    const result = await services.classification.classify(input, call(c))
    return c.json({
      top_category: result.topCategory,
      confidence_score: result.confidence,
      all_categories: result.scores,
      model: result.model,
      method: result.method,
      latency_ms: result.latencyMs,
      recommended_model: snakeize(result.recommendedModel),
      calibrated: result.calibrated,
      abstained: result.abstained,
      reason: result.reason,
    })
  })

  api.post('/generate', async (c) => {
    const input = await parseBody(c, generateInputSchema)
    return streamSeedSSE(c, (options) => services.generation.stream(input, options), onStreamError)
  })

  api.post('/models/select', async (c) => {
    const input = await parseBody(c, routeInputSchema)
    return streamSeedSSE(c, (options) => services.routing.stream(input, options), onStreamError)
  })

  api.get('/model-rankings', async (c) => c.json(snakeize(await services.models.rankings(call(c)))))

  api.get('/models', async (c) => c.json(snakeize(await services.models.list(call(c)))))

  return api
}
