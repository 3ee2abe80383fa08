// The official openai Node SDK against the real gateway's /v1 API on a real socket, every provider
// on the fake: answers streamed and not, `auto` routing, usage, a tool round trip, the SDK's error
// classes, an abort that reaches the provider, and the model list.
import { catalog } from '@tokenflow/catalog'
import OpenAI from 'openai'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  AUTO_CATEGORY,
  CUT_AFTER,
  CUT_CHUNKS,
  GATEWAY_API_KEY,
  type OpenAiGateway,
  SCENARIO_MODELS,
  scriptScenarios,
  startOpenAiGateway,
  WEATHER_ARGUMENTS,
} from './openai-gateway'

let gateway: OpenAiGateway
let client: OpenAI

beforeAll(async () => {
  gateway = await startOpenAiGateway()
  // No retries: a 429 must surface as it came, not be waited out by the SDK.
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: GATEWAY_API_KEY, maxRetries: 0 })
})
afterAll(() => gateway?.close())
beforeEach(() => {
  gateway.fake.reset()
  scriptScenarios(gateway.fake)
})

const user = (content: string): OpenAI.ChatCompletionMessageParam[] => [{ role: 'user', content }]
/** TokenFlow's own options ride in the body; the SDK sends unknown fields as they are. */
const routed = { tokenflow: { possible_categories: [AUTO_CATEGORY], compress: 'off' } }
const catalogIds = catalog.models.map((model) => model.id)

const weatherTool: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
}

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  )

describe('answers through the openai Node SDK', () => {
  it('answers a named model, not streamed, with the fake answer and usage', async () => {
    const answer = await client.chat.completions.create({
      model: SCENARIO_MODELS.echo,
      messages: user('alpha beta gamma'),
    })
    expect(answer.object).toBe('chat.completion')
    expect(answer.model).toBe(SCENARIO_MODELS.echo)
    expect(answer.choices[0]?.message.content).toBe('Echo: alpha beta gamma')
    expect(answer.choices[0]?.finish_reason).toBe('stop')
    expect(answer.usage?.completion_tokens).toBeGreaterThan(0)
  })

  it('streams the same answer, usage on a last choice-less chunk even unasked', async () => {
    const stream = await client.chat.completions.create({
      model: SCENARIO_MODELS.echo,
      messages: user('alpha beta gamma'),
      stream: true,
    })
    const chunks: OpenAI.ChatCompletionChunk[] = []
    for await (const chunk of stream) chunks.push(chunk)
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')
    expect(text).toBe('Echo: alpha beta gamma')
    expect(chunks.every((chunk) => chunk.model === SCENARIO_MODELS.echo)).toBe(true)
    const finish = chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.finish_reason))
    expect(finish.filter(Boolean)).toEqual(['stop'])
    const last = chunks.at(-1)
    expect(last?.choices).toEqual([])
    expect(last?.usage?.total_tokens).toBeGreaterThan(0)
  })

  it('routes `auto` to a catalog model and says which in the header and the body', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'auto', messages: user('prove it'), ...routed })
      .withResponse()
    expect(catalogIds).toContain(data.model)
    expect(response.headers.get('x-tokenflow-model')).toBe(data.model)
    expect(response.headers.get('x-tokenflow-category')).toBe(AUTO_CATEGORY)
    expect(data.choices[0]?.message.content).toBe('Echo: prove it')
    expect(data).toMatchObject({ tokenflow: { model: { id: data.model } } })
  })

  it('routes `auto:cheapest` streamed, the first chunk naming the decision', async () => {
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'auto:cheapest', messages: user('cheap words'), stream: true, ...routed })
      .withResponse()
    const chunks: OpenAI.ChatCompletionChunk[] = []
    for await (const chunk of stream) chunks.push(chunk)
    const model = response.headers.get('x-tokenflow-model')
    expect(catalogIds).toContain(model)
    expect(chunks[0]?.model).toBe(model)
    expect(chunks[0]).toMatchObject({ tokenflow: { model: { id: model } } })
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe(
      'Echo: cheap words',
    )
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      tokenflow: { total_ms: expect.any(Number) },
    })
  })
})

describe('a tool call round trip through the openai Node SDK', () => {
  it('streams the call, takes the result in a tool message and answers in text', async () => {
    const stream = await client.chat.completions.create({
      model: SCENARIO_MODELS.toolCall,
      messages: user('weather in Paris?'),
      tools: [weatherTool],
      stream: true,
    })
    const calls: OpenAI.ChatCompletionChunk.Choice.Delta.ToolCall[] = []
    let finish: string | null = null
    for await (const chunk of stream) {
      calls.push(...(chunk.choices[0]?.delta.tool_calls ?? []))
      finish = chunk.choices[0]?.finish_reason ?? finish
    }
    expect(finish).toBe('tool_calls')
    expect(calls[0]).toMatchObject({
      index: 0,
      type: 'function',
      function: { name: 'get_weather' },
    })
    const id = calls[0]?.id
    expect(id).toBeTruthy()
    expect(calls.length).toBeGreaterThan(2)
    expect(calls.map((call) => call.function?.arguments ?? '').join('')).toBe(WEATHER_ARGUMENTS)
    // The provider got the tools as the client sent them.
    const upstream = gateway.fake.requests.at(-1)?.body
    expect(upstream).toMatchObject({ tools: [weatherTool] })

    const answer = await client.chat.completions.create({
      model: SCENARIO_MODELS.toolCall,
      tools: [weatherTool],
      messages: [
        ...user('weather in Paris?'),
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: id ?? '',
              type: 'function',
              function: { name: 'get_weather', arguments: WEATHER_ARGUMENTS },
            },
          ],
        },
        { role: 'tool', tool_call_id: id ?? '', content: 'sunny and 21 degrees' },
      ],
    })
    expect(answer.choices[0]?.message.content).toBe('Tool said: sunny and 21 degrees')
    expect(gateway.fake.requests.at(-1)?.body).toMatchObject({
      messages: expect.arrayContaining([
        expect.objectContaining({ role: 'tool', tool_call_id: id }),
      ]),
    })
  })

  it('returns the call whole when not streamed', async () => {
    const answer = await client.chat.completions.create({
      model: SCENARIO_MODELS.toolCall,
      messages: user('weather in Paris?'),
      tools: [weatherTool],
      tool_choice: 'auto',
    })
    const choice = answer.choices[0]
    expect(choice?.finish_reason).toBe('tool_calls')
    expect(choice?.message.tool_calls).toEqual([
      {
        id: expect.any(String),
        type: 'function',
        function: { name: 'get_weather', arguments: WEATHER_ARGUMENTS },
      },
    ])
    expect(gateway.fake.requests.at(-1)?.body).toMatchObject({ tool_choice: 'auto' })
  })

  it('accumulates the streamed call with the SDK stream helper', async () => {
    const final = await client.chat.completions
      .stream({ model: SCENARIO_MODELS.toolCall, messages: user('weather?'), tools: [weatherTool] })
      .finalChatCompletion()
    expect(final.choices[0]?.message.tool_calls?.[0]?.function).toEqual({
      name: 'get_weather',
      arguments: WEATHER_ARGUMENTS,
    })
  })
})

describe('errors as the openai Node SDK classes', () => {
  it('an unknown model is a NotFoundError with code model_not_found', async () => {
    const error = await failureOf(
      client.chat.completions.create({ model: 'no-such/model', messages: user('x') }),
    )
    expect(error).toBeInstanceOf(OpenAI.NotFoundError)
    expect((error as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found')
  })

  it('a bad field is a BadRequestError naming it in param', async () => {
    const error = await failureOf(
      client.chat.completions.create({
        model: SCENARIO_MODELS.echo,
        messages: user('x'),
        temperature: 5,
      }),
    )
    expect(error).toBeInstanceOf(OpenAI.BadRequestError)
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('temperature')
  })

  it('a wrong or missing key is an AuthenticationError', async () => {
    const wrong = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'wrong', maxRetries: 0 })
    const error = await failureOf(
      wrong.chat.completions.create({ model: SCENARIO_MODELS.echo, messages: user('x') }),
    )
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError)
    expect(await failureOf(wrong.models.list())).toBeInstanceOf(OpenAI.AuthenticationError)
  })

  it('an upstream rate limit on a named model is a RateLimitError with Retry-After', async () => {
    for (const stream of [false, true]) {
      const error = await failureOf(
        client.chat.completions.create({
          model: SCENARIO_MODELS.rateLimited,
          messages: user('x'),
          stream,
        }),
      )
      expect(error).toBeInstanceOf(OpenAI.RateLimitError)
      const headers = (error as InstanceType<typeof OpenAI.RateLimitError>).headers
      expect(Number(headers?.get('retry-after'))).toBeGreaterThanOrEqual(1)
    }
  })

  it('a provider cut after the first tokens raises an APIError mid-stream, no [DONE]', async () => {
    const stream = await client.chat.completions.create({
      model: SCENARIO_MODELS.cut,
      messages: user('x'),
      stream: true,
    })
    const text: string[] = []
    const finishes: string[] = []
    const error = await failureOf(
      (async () => {
        for await (const chunk of stream) {
          text.push(chunk.choices[0]?.delta.content ?? '')
          if (chunk.choices[0]?.finish_reason) finishes.push(chunk.choices[0].finish_reason)
        }
      })(),
    )
    expect(error).toBeInstanceOf(OpenAI.APIError)
    expect(text.join('')).toBe(CUT_CHUNKS.slice(0, CUT_AFTER).join(''))
    expect(finishes).toEqual([])
  })
})

describe('the client going away and the model list', () => {
  it('aborting mid-stream reaches the provider within 100 ms', async () => {
    const words = Array.from({ length: 200 }, (_, i) => ` w${i}`)
    gateway.fake.script('llama-3.3-70b-versatile', { kind: 'stream', chunks: words, delayMs: 20 })
    const stream = await client.chat.completions.create({
      model: SCENARIO_MODELS.echo,
      messages: user('a long story'),
      stream: true,
    })
    const abortSeen = gateway.fake.nextAbort()
    let abortedAt = 0
    let contentChunks = 0
    const error = await failureOf(
      (async () => {
        for await (const chunk of stream) {
          if (chunk.choices[0]?.delta.content) contentChunks += 1
          if (contentChunks === 2) {
            abortedAt = performance.now()
            stream.controller.abort()
          }
        }
      })(),
    )
    expect((await abortSeen) - abortedAt).toBeLessThan(100)
    expect(contentChunks).toBe(2)
    // Breaking off is the caller's choice: the SDK ends the loop or says it was aborted.
    if (error !== undefined) expect(error).toBeInstanceOf(OpenAI.APIUserAbortError)
  })

  it('models.list() has auto, the three strategies and every catalog model', async () => {
    const ids: string[] = []
    for await (const model of client.models.list()) ids.push(model.id)
    expect(ids).toEqual(
      expect.arrayContaining([
        'auto',
        'auto:quality',
        'auto:balanced',
        'auto:cheapest',
        ...catalogIds,
      ]),
    )
    const one = await client.models.retrieve(SCENARIO_MODELS.echo)
    expect(one.id).toBe(SCENARIO_MODELS.echo)
    expect(await failureOf(client.models.retrieve('auto:nonsense'))).toBeInstanceOf(
      OpenAI.NotFoundError,
    )
  })
})
