// Runs long-lived commands side by side with prefixed output (concurrently), restarting one that
// exits after a delay while the others keep running, until stop() ends them all.
// concurrently's own restartTries is not used: it would restart what stop() kills too, since it
// takes only a caught SIGINT for a clean exit (SIGTERM and SIGHUP would never end the launcher).
// A watcher (tsx watch, uvicorn --reload) outlives the server it runs and waits for a file change
// when that server dies, so a command can also name a liveness URL: once it has answered, going
// unanswered for long enough ends the command, and the restart follows.
import type { Writable } from 'node:stream'
import { type Command, concurrently } from 'concurrently'

export type ManagedCommand = {
  /** The output prefix, and the key of `restarts`; unique. */
  name: string
  /** A shell command line. */
  command: string
  cwd?: string
  /** Added to this process's environment. */
  env?: Record<string, string>
  prefixColor?: string
  liveness?: Liveness
}

export type Liveness = {
  /** Any HTTP answer counts as alive, a 401 or a 503 too. */
  url: string
  /** Unanswered this long after having answered (in the current run): the command is restarted. */
  unansweredMs: number
  /** How often the URL is tried; 1 s unless set. */
  intervalMs?: number
}

export type ManagedOptions = {
  /** Wait before restarting a command that exited; 1 s unless set. */
  restartDelayMs?: number
  /** Restarts per command at most; unbounded unless set. */
  maxRestarts?: number
  /** How long stop() waits for a command after its signal before SIGKILL; 5 s unless set. */
  killTimeoutMs?: number
  /** Where the prefixed output goes; stdout unless set. */
  outputStream?: Writable
  /** Colored prefixes; on unless false. */
  colors?: boolean
}

export type Managed = {
  commands: Command[]
  /** Restarts so far, by command name. */
  restarts: Record<string, number>
  /** Signals every command (and its children) to stop; resolves once all have exited. */
  stop(signal?: NodeJS.Signals): Promise<void>
}

export const runManaged = (specs: ManagedCommand[], options: ManagedOptions = {}): Managed => {
  const { restartDelayMs = 1_000, maxRestarts = Number.POSITIVE_INFINITY } = options
  const killTimeoutMs = options.killTimeoutMs ?? 5_000
  const output = options.outputStream ?? process.stdout
  const infos = specs.map(({ name, command, cwd, env, prefixColor }) => ({
    name,
    command,
    cwd,
    env,
    prefixColor,
  }))
  const { commands, result } = concurrently(infos, {
    prefix: 'name',
    outputStream: output,
    prefixColors: options.colors === false ? false : specs.map((s) => s.prefixColor ?? 'auto'),
    // No killOthersOn: one command's exit leaves the others running.
    restartTries: 0,
  })
  // Settles once every command exited at least once, rejecting when one failed; the exits are
  // logged by concurrently and handled below, so nothing waits on it.
  result.catch(() => undefined)

  let stopping: Promise<void> | undefined
  const timers = new Set<NodeJS.Timeout>()
  const restarts: Record<string, number> = Object.fromEntries(specs.map((s) => [s.name, 0]))

  const answers = (url: string, timeoutMs: number) =>
    fetch(url, { signal: AbortSignal.timeout(timeoutMs) }).then(
      async (response) => {
        await response.body?.cancel()
        return true
      },
      () => false,
    )

  const watch = (command: Command, { url, unansweredMs, intervalMs = 1_000 }: Liveness) => {
    // When the current run last answered; none yet: still starting, or never reachable at this
    // URL (another port in a .env file), and then never restarted for it.
    let answeredAt: number | undefined
    let probing = false
    command.stateChange.subscribe((state) => {
      if (state === 'started') answeredAt = undefined
    })
    const timer = setInterval(async () => {
      if (probing || stopping || command.state !== 'started') return
      probing = true
      const alive = await answers(url, 1_000)
      probing = false
      if (stopping || command.state !== 'started') return
      if (alive) answeredAt = Date.now()
      else if (answeredAt !== undefined && Date.now() - answeredAt >= unansweredMs) {
        answeredAt = undefined
        output.write(`--> ${command.name} stopped answering ${url}; restarting it\n`)
        command.kill('SIGKILL')
      }
    }, intervalMs)
    timer.unref()
    return timer
  }
  const watchdogs = specs.flatMap((spec) => {
    const command = commands.find((c) => c.name === spec.name)
    return spec.liveness && command ? [watch(command, spec.liveness)] : []
  })

  for (const command of commands) {
    command.close.subscribe(({ exitCode }) => {
      if (stopping) return
      const done = restarts[command.name] ?? 0
      if (done >= maxRestarts) {
        output.write(`--> ${command.name} exited (${exitCode}); ${done} restarts, giving up\n`)
        return
      }
      restarts[command.name] = done + 1
      output.write(`--> ${command.name} exited (${exitCode}); restarting in ${restartDelayMs} ms\n`)
      const timer = setTimeout(() => {
        timers.delete(timer)
        if (!stopping) command.start()
      }, restartDelayMs)
      timers.add(timer)
    })
  }

  const exited = (command: Command, signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      if (command.state !== 'started') return resolve()
      const force = setTimeout(() => command.kill('SIGKILL'), killTimeoutMs)
      const subscription = command.close.subscribe(() => {
        clearTimeout(force)
        subscription.unsubscribe()
        resolve()
      })
      command.kill(signal)
    })

  return {
    commands,
    restarts,
    stop(signal = 'SIGTERM') {
      stopping ??= (async () => {
        for (const timer of timers) clearTimeout(timer)
        timers.clear()
        for (const watchdog of watchdogs) clearInterval(watchdog)
        await Promise.all(commands.map((command) => exited(command, signal)))
      })()
      return stopping
    },
  }
}
