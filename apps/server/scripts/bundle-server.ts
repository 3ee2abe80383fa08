// The gateway as production runs it: src/index.ts and the workspace packages it imports
// (@tokenflow/api, @tokenflow/catalog) bundled into dist/index.js by esbuild, the server's npm
// dependencies left to node_modules. `node dist/index.js` loads no TypeScript loader, which kept
// ~50 MiB of transformed sources in every gateway process. `pnpm build` (or `pnpm start`) runs
// this; the benches, the shutdown tests, the deploy stack and the browser tests start the bundle.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/** Where the bundle goes: `node` runs it with apps/server as its working directory or not. */
export const SERVER_BUNDLE = resolve(root, 'dist/index.js')

export const bundleServer = async (): Promise<string> => {
  const manifest = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>
  }
  const npm = Object.keys(manifest.dependencies).filter((name) => !name.startsWith('@tokenflow/'))
  const { outputFiles } = await build({
    entryPoints: [resolve(root, 'src/index.ts')],
    outfile: SERVER_BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: npm.flatMap((name) => [name, `${name}/*`]),
    logLevel: 'warning',
    write: false,
  })
  // Written whole and renamed into place: suites that bundle at once never start a half file.
  const [output] = outputFiles
  if (!output) throw new Error('esbuild wrote no bundle')
  mkdirSync(dirname(SERVER_BUNDLE), { recursive: true })
  const partial = `${SERVER_BUNDLE}.${process.pid}.tmp`
  writeFileSync(partial, output.contents)
  renameSync(partial, SERVER_BUNDLE)
  return SERVER_BUNDLE
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundleServer()
