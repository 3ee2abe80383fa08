// The real gateway on a free port with every provider on the fake, plus one scripted catalog model
// per failure the OpenAI-client tests exercise. The scripted models rank nowhere in `AUTO_CATEGORY`,
// so `auto` over that one category always lands on a model that answers the default echo.
import { type FakeProvider, startFakeProvider } from '@tokenflow/fake-provider'
import { buildApp } from './build-app'
import { serveApp } from './serve-app'

export const GATEWAY_API_KEY = 'tf-openai-clients-key'

/** One candidate category, so routing needs no classifier. */
export const AUTO_CATEGORY = 'reasoning'

/** Catalog ids, each scripted on the fake (by its provider model id) for one scenario. */
export const SCENARIO_MODELS = {
  /** Unscripted: answers `Echo: <last user words>`. */
  echo: 'groq/llama-3.3-70b-versatile',
  /** Calls `get_weather`, then answers the tool result in text. */
  toolCall: 'groq/llama-3.1-8b-instant',
  rateLimited: 'groq/meta-llama/llama-guard-4-12b',
  /** Sends two content chunks, then drops the connection. */
  cut: 'openrouter/mistralai/mistral-small-3.2-24b-instruct',
} as const

export const WEATHER_ARGUMENTS = '{"city":"Paris","unit":"celsius"}'
export const CUT_CHUNKS = ['one', ' two', ' three', ' four']
export const CUT_AFTER = 2

const providerModelId = (catalogId: string) => catalogId.slice(catalogId.indexOf('/') + 1)

export const scriptScenarios = (fake: FakeProvider) => {
  fake.script(providerModelId(SCENARIO_MODELS.toolCall), {
    kind: 'tool-call',
    name: 'get_weather',
    arguments: WEATHER_ARGUMENTS,
    chunks: 4,
  })
  fake.script(providerModelId(SCENARIO_MODELS.rateLimited), {
    kind: 'rate-limit',
    retryAfterSeconds: 1,
  })
  fake.script(providerModelId(SCENARIO_MODELS.cut), {
    kind: 'stream',
    chunks: CUT_CHUNKS,
    cutAfter: CUT_AFTER,
  })
}

export type OpenAiGateway = {
  fake: FakeProvider
  /** The gateway's origin; OpenAI clients take `${url}/v1` as their base URL. */
  url: string
  close(): Promise<void>
}

export const startOpenAiGateway = async (): Promise<OpenAiGateway> => {
  const fake = await startFakeProvider()
  scriptScenarios(fake)
  const { app } = await buildApp({
    GROQ_API_KEY: 'gsk-fake-key',
    GROQ_BASE_URL: fake.url,
    OPENROUTER_API_KEY: 'or-fake-key',
    OPENROUTER_BASE_URL: fake.url,
    LOCAL_MODEL_ENABLED: 'false',
    TOKENFLOW_API_KEYS: GATEWAY_API_KEY,
  })
  const gateway = await serveApp(app)
  return {
    fake,
    url: gateway.url,
    close: async () => {
      await gateway.close()
      await fake.close()
    },
  }
}
