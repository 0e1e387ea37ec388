/**
 * The CLI's window on the world: output streams, environment and clock, injected so that commands
 * are tested in-process without spawning.
 * @module
 */
import type { Clock } from '@baton/config'

/** The process's outputs, environment and clock (`now()`, the one `Clock` of every package). */
export interface CliIo extends Clock {
  out(line: string): void
  err(line: string): void
  readonly env: Readonly<Record<string, string | undefined>>
  /** Print stack traces for unexpected errors (BATON_DEBUG=1). */
  readonly debug: boolean
}

export function processIo(): CliIo {
  // `baton keys status | head` closes the pipe early: that is the reader's choice, not a failure.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0)
      throw err
    })
  }
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    env: process.env,
    now: () => Date.now(),
    debug: process.env.BATON_DEBUG === '1',
  }
}
