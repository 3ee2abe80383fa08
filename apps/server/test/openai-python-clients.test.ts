// The official openai Python SDK and LangChain's ChatOpenAI against the real gateway on a real
// socket (every provider on the fake): the pytest suite in openai-clients/, run in its own uv venv.
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { catalog } from '@tokenflow/catalog'
import { afterAll, beforeAll, expect, it } from 'vitest'
import {
  AUTO_CATEGORY,
  CUT_AFTER,
  CUT_CHUNKS,
  GATEWAY_API_KEY,
  type OpenAiGateway,
  SCENARIO_MODELS,
  startOpenAiGateway,
  WEATHER_ARGUMENTS,
} from './openai-gateway'
import { runCommand } from './run-command'

const here = dirname(fileURLToPath(import.meta.url))
const project = resolve(here, 'openai-clients')
const uv = resolve(here, '../../../services/ml-python/scripts/uv.sh')

let gateway: OpenAiGateway

beforeAll(async () => {
  // First run from a fresh clone downloads the locked wheels from PyPI; later runs are instant.
  const [sync, started] = await Promise.all([
    runCommand('bash', [uv, 'sync', '--frozen', '--quiet', '--project', project], {
      cwd: project,
      timeoutMs: 200_000,
    }),
    startOpenAiGateway(),
  ])
  gateway = started
  if (sync.code !== 0) throw new Error(`uv sync failed (${sync.code}):\n${sync.output}`)
})
afterAll(() => gateway?.close())

it('the openai Python SDK and LangChain pass against the gateway', {
  timeout: 180_000,
}, async () => {
  const result = await runCommand(resolve(project, '.venv/bin/python'), ['-m', 'pytest', '-v'], {
    cwd: project,
    timeoutMs: 170_000,
    env: {
      ...process.env,
      // Clients configured only by what the tests pass; no tracing calls out of the machine.
      OPENAI_API_KEY: undefined,
      OPENAI_BASE_URL: undefined,
      LANGSMITH_TRACING: 'false',
      LANGCHAIN_TRACING_V2: 'false',
      TOKENFLOW_GATEWAY_URL: gateway.url,
      TOKENFLOW_API_KEY: GATEWAY_API_KEY,
      TOKENFLOW_AUTO_CATEGORY: AUTO_CATEGORY,
      TOKENFLOW_MODEL_ECHO: SCENARIO_MODELS.echo,
      TOKENFLOW_MODEL_TOOL_CALL: SCENARIO_MODELS.toolCall,
      TOKENFLOW_MODEL_RATE_LIMITED: SCENARIO_MODELS.rateLimited,
      TOKENFLOW_MODEL_CUT: SCENARIO_MODELS.cut,
      TOKENFLOW_WEATHER_ARGUMENTS: WEATHER_ARGUMENTS,
      TOKENFLOW_CUT_TEXT: CUT_CHUNKS.slice(0, CUT_AFTER).join(''),
      TOKENFLOW_CATALOG_MODELS: catalog.models.map((model) => model.id).join(','),
    },
  })
  expect(result.code, result.output).toBe(0)
  expect(result.output).toMatch(/\d+ passed/)
})
