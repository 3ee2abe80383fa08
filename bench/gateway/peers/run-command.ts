// Runs an install step of a peer gateway (npm, python -m venv, pip) and gives back its stdout;
// a failure carries the end of its output, which is the reason the peer is skipped.
import { execFile } from 'node:child_process'

export const runCommand = (command: string, args: string[], cwd: string) =>
  new Promise<string>((done, fail) => {
    execFile(
      command,
      args,
      { cwd, maxBuffer: 64 * 1024 * 1024, timeout: 10 * 60_000 },
      (error, stdout, stderr) => {
        if (!error) return done(stdout)
        const output = `${stdout}${stderr}`.trim().slice(-2_000)
        fail(new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${output}`))
      },
    )
  })
