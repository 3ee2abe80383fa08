// Prints benchmark rows as an aligned table and writes them as JSON under bench/results/.
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const results = resolve(dirname(fileURLToPath(import.meta.url)), '../results')

export const printTable = (rows: Record<string, unknown>[]) => {
  const first = rows[0]
  if (!first) return
  const columns = Object.keys(first)
  const cell = (value: unknown) =>
    typeof value === 'number' ? String(Number(value.toFixed(2))) : String(value)
  const widths = columns.map((column) =>
    Math.max(column.length, ...rows.map((row) => cell(row[column]).length)),
  )
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i] ?? 0)).join('  ')
  console.log(line(columns))
  console.log(line(widths.map((w) => '-'.repeat(w))))
  for (const row of rows) console.log(line(columns.map((column) => cell(row[column]))))
}

export const writeResults = (name: string, command: string, body: Record<string, unknown>) => {
  mkdirSync(results, { recursive: true })
  const file = resolve(results, `${name}.json`)
  const document = {
    benchmark: name,
    command,
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    // Other work on the same 2 cores moves these numbers; the load average says how much there was.
    loadAverage1m: Number(loadavg()[0]?.toFixed(2)),
    ...body,
  }
  writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`)
  console.log(`wrote ${file}`)
}
