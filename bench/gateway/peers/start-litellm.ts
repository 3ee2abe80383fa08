// The LiteLLM proxy (PyPI litellm[proxy]) as a peer: installed into a venv at bench/.peers/litellm
// and run by its CLI with one uvicorn worker, which uvicorn serves in the CLI's own process, so
// the pid the benchmark reads (CPU, RSS) is the one doing the work.
import { existsSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from '../../../apps/server/test/free-port'
import { startCommand } from '../../load/processes'
import { optionalPeer } from './optional-peer'
import { runCommand } from './run-command'

// Not 1.107.0, the release reported compromised.
const REQUIREMENT = 'litellm[proxy]==1.80.*'
const SERIES = '1.80.'
const dir = resolve(dirname(fileURLToPath(import.meta.url)), '../../.peers/litellm')
const python = join(dir, 'bin/python')
const cli = join(dir, 'bin/litellm')

const versionScript = 'import importlib.metadata as m; print(m.version("litellm"))'
const installedVersion = async () =>
  existsSync(cli) ? (await runCommand(python, ['-c', versionScript], dir)).trim() : null

const install = async () => {
  const found = await installedVersion().catch(() => null)
  if (found?.startsWith(SERIES)) return found
  await runCommand('python3', ['-m', 'venv', dir], dirname(dir))
  await runCommand(join(dir, 'bin/pip'), ['install', '--quiet', REQUIREMENT], dir)
  const version = await installedVersion()
  if (!version?.startsWith(SERIES)) throw new Error(`pip installed litellm ${version}`)
  return version
}

export type LiteLLMUpstream = {
  /** The OpenAI-compatible base URL, up to and including its `/v1`. */
  apiBase: string
  apiKey: string
  /** Served under their own names, each as `openai/<id>` on the upstream. */
  models: string[]
}

export const startLiteLLM = (upstream: LiteLLMUpstream) =>
  optionalPeer('LiteLLM', async () => {
    const version = await install()
    // Written on every start, as the upstream's port changes; JSON is YAML, so no YAML writer.
    const config = join(dir, 'config.yaml')
    writeFileSync(
      config,
      JSON.stringify({
        model_list: upstream.models.map((id) => ({
          model_name: id,
          litellm_params: {
            model: `openai/${id}`,
            api_base: upstream.apiBase,
            api_key: upstream.apiKey,
          },
        })),
      }),
    )
    const port = await freePort()
    const proc = await startCommand(
      cli,
      [
        '--config',
        config,
        '--host',
        '127.0.0.1',
        '--port',
        String(port),
        '--num_workers',
        '1',
        '--telemetry',
        'False',
      ],
      {
        cwd: dir,
        // Nothing here may reach the internet: the cost map and tokenizers come from the package.
        env: { ...process.env, HF_HUB_OFFLINE: '1', LITELLM_LOCAL_MODEL_COST_MAP: 'True' },
        probe: `http://127.0.0.1:${port}/health/liveliness`,
        timeoutMs: 120_000,
      },
    )
    return { ...proc, name: `LiteLLM ${version}`, version }
  })
