/**
 * The local cloud's programs as child processes (`baton serve <program> --config-file ...`), each
 * logging to its own file, started in chain order and stopped together. Waiting for one to answer
 * gives up when it exits (naming its log's last line) or when start-up is interrupted.
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { closeSync, openSync, readFileSync } from 'node:fs'
import { CliError, CliErrorCode } from '../errors.ts'
import { type CloudPlan, configPath, logPath, type ProgramName, urlOf } from './plan.ts'

const BATON_BIN = new URL('../../bin/baton.mjs', import.meta.url).pathname

export type Program = { readonly name: ProgramName; readonly child: ChildProcess }

/** Thrown (and caught by `up`) when Ctrl-C arrives while the cloud is starting. */
export class StartInterrupted extends Error {
  override readonly name = 'StartInterrupted'
  /** The programs that had been started, and were stopped, in start order. */
  readonly stopped: readonly ProgramName[]

  constructor(stopped: readonly ProgramName[] = []) {
    super('start-up interrupted')
    this.stopped = stopped
  }
}

export function spawnProgram(plan: CloudPlan, name: ProgramName): Program {
  const log = openSync(logPath(plan, name), 'a', 0o600)
  const args = [BATON_BIN, 'serve', name, '--config-file', configPath(plan, name)]
  if (name === 'identity') args.push('--host', plan.host, '--port', String(plan.ports.identity))
  try {
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', log, log],
      env: { ...process.env },
    })
    return { name, child }
  } finally {
    closeSync(log) // the child has its own descriptor
  }
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null
}

export function lastLogLine(plan: CloudPlan, name: ProgramName): string {
  try {
    const lines = readFileSync(logPath(plan, name), 'utf8').trimEnd().split('\n')
    return lines.at(-1)?.slice(0, 300) ?? ''
  } catch {
    return ''
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms)
    signal?.addEventListener('abort', done, { once: true })
    function done(): void {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
  })
}

/** Polls the program's version document until it answers (or it dies, or `signal` aborts). */
export async function waitUntilServing(
  plan: CloudPlan,
  program: Program,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<void> {
  const { timeoutMs = 30_000, signal } = options
  const url =
    program.name === 'identity' ? `${urlOf(plan, 'identity')}/v3` : `${urlOf(plan, program.name)}/`
  const log = logPath(plan, program.name)
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (signal?.aborted) throw new StartInterrupted()
    const { child } = program
    if (exited(child)) {
      const why = child.exitCode !== null ? `status ${child.exitCode}` : `${child.signalCode}`
      const last = lastLogLine(plan, program.name)
      throw new CliError(
        CliErrorCode.ProgramFailed,
        `${program.name} exited (${why})${last === '' ? '' : `: ${last}`}; see ${log}`,
      )
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) })
      await res.arrayBuffer()
      if (res.status < 500) return
    } catch {
      // not listening yet
    }
    await sleep(100, signal)
  }
  throw new CliError(
    CliErrorCode.ProgramFailed,
    `${program.name} did not answer at ${url} within ${timeoutMs / 1000} s; see ${log}`,
  )
}

/** Says when a program of the running cloud exits on its own (the others keep running). */
export function reportUnexpectedExits(
  plan: CloudPlan,
  programs: readonly Program[],
  stopping: () => boolean,
  say: (line: string) => void,
): void {
  for (const { name, child } of programs) {
    child.once('exit', (code, signal) => {
      if (stopping()) return
      const last = lastLogLine(plan, name)
      say(
        `${name} exited (${code === null ? signal : `status ${code}`})${last === '' ? '' : `: ${last}`}; ` +
          `see ${logPath(plan, name)}; Ctrl-C stops the rest`,
      )
    })
  }
}

/** SIGTERM to every program still running (SIGKILL after 5 s); resolves when all have exited. */
export async function stopPrograms(programs: readonly Program[]): Promise<void> {
  await Promise.all(
    [...programs].reverse().map(
      ({ child }) =>
        new Promise<void>((resolve) => {
          if (exited(child)) return resolve()
          const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
          child.once('exit', () => {
            clearTimeout(timer)
            resolve()
          })
          child.kill('SIGTERM')
        }),
    ),
  )
}
