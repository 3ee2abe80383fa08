// Fails when src/ml/ml-api.gen.ts differs from a fresh generation out of the ML service's
// committed OpenAPI document, i.e. when someone changed one side of the contract and not the other.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const spec = resolve(root, '../../services/ml-python/openapi.json')
const committed = resolve(root, 'src/ml/ml-api.gen.ts')

if (!existsSync(spec)) {
  console.error(`check:ml: ${spec} is missing; the ML service must commit its OpenAPI document`)
  process.exit(1)
}
const dir = mkdtempSync(join(tmpdir(), 'ml-api-'))
try {
  const fresh = join(dir, 'ml-api.gen.ts')
  execFileSync(
    'pnpm',
    ['exec', 'openapi-typescript', spec, '--default-non-nullable=false', '-o', fresh],
    {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  )
  const current = existsSync(committed) ? readFileSync(committed, 'utf8') : ''
  if (readFileSync(fresh, 'utf8') !== current) {
    console.error(
      'check:ml: src/ml/ml-api.gen.ts is out of date with services/ml-python/openapi.json; run `pnpm --filter @tokenflow/server gen:ml` and commit the result',
    )
    process.exit(1)
  }
  console.log('check:ml: src/ml/ml-api.gen.ts matches services/ml-python/openapi.json')
} finally {
  rmSync(dir, { recursive: true, force: true })
}
