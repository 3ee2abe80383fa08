// CPU time and resident memory of a server process, read from /proc (Linux): what the benchmark
// charges each gateway, whatever runtime it is written in.
import { readFileSync } from 'node:fs'

const ticksPerSecond = 100

/** User and system CPU seconds the process has used so far (its own threads, not children). */
export const cpuTimes = (pid: number): { user: number; system: number } => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // Fields after the command name, which may contain spaces, start after its closing paren.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return { user: Number(fields[11]) / ticksPerSecond, system: Number(fields[12]) / ticksPerSecond }
}

/** User + system CPU seconds the process has used so far. */
export const cpuSeconds = (pid: number): number => {
  const { user, system } = cpuTimes(pid)
  return user + system
}

/** Resident set size in MiB. */
export const rssMiB = (pid: number): number => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kib = Number(status.match(/^VmRSS:\s+(\d+)/m)?.[1] ?? Number.NaN)
  return kib / 1024
}
