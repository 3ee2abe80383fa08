// The gateway's catalog and provider table: the shipped ones, with the config file
// (TOKENFLOW_CONFIG, JSON or YAML) merged over them when set. Read once at start; a missing,
// malformed or invalid file stops the start with a CatalogError naming the field.
import { readFileSync } from 'node:fs'
import { extname, resolve } from 'node:path'
import { type Catalog, CatalogError, catalog, mergeCatalog } from '@tokenflow/catalog'
import { parse as parseYaml } from 'yaml'
import { z } from 'zod'
import type { ProviderTable } from '../providers/provider-spec'
import { configFileSchema } from './config-file-schema'

export type GatewayConfig = { catalog: Catalog; providers: ProviderTable }

const readFile = (path: string, variable: string): unknown => {
  try {
    const text = readFileSync(path, 'utf8')
    return ['.yaml', '.yml'].includes(extname(path).toLowerCase())
      ? parseYaml(text)
      : JSON.parse(text)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new CatalogError(`cannot read config ${path} (${variable}): ${reason}`)
  }
}

export const loadConfig = (
  file: { path: string; variable: string } | undefined,
  shipped: ProviderTable,
): GatewayConfig => {
  if (!file) return { catalog, providers: shipped }
  const path = resolve(file.path)
  const source = `${path} (${file.variable})`
  const parsed = configFileSchema(shipped).safeParse(readFile(path, file.variable))
  if (!parsed.success) {
    throw new CatalogError(`invalid config ${source}:\n${z.prettifyError(parsed.error)}`)
  }
  const { providers: added = {}, ...overlay } = parsed.data
  // A provider with a shipped id replaces that row; a new id adds one.
  return { catalog: mergeCatalog(catalog, overlay, source), providers: { ...shipped, ...added } }
}
