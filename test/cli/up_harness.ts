/**
 * `baton up` as a real child process for the tests that need one: its output as it comes, waiting
 * for a line, the pids of the programs it started (from its progress lines), and whether a pid is
 * still running.
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'

const BATON_BIN = new URL('../../packages/cli/bin/baton.mjs', import.meta.url).pathname

export type UpProcess = {
  readonly child: ChildProcess
  readonly exited: Promise<number | null>
  stdout(): string
  stderr(): string
  /** Resolves once stdout or stderr matches; rejects when `up` exits first or time runs out. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>
}

export function startUp(args: readonly string[]): UpProcess {
  const child = spawn(process.execPath, [BATON_BIN, 'up', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString()
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString()
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  return {
    child,
    exited,
    stdout: () => out,
    stderr: () => err,
    async waitFor(pattern, timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs
      while (!pattern.test(out) && !pattern.test(err)) {
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(`baton up exited before ${pattern}:\n${out}\n${err}`)
        }
        if (Date.now() > deadline) throw new Error(`no ${pattern} in time:\n${out}\n${err}`)
        await new Promise((r) => setTimeout(r, 100))
      }
    },
  }
}

/** The programs `up` said it started: name -> pid. */
export function startedPids(stderr: string): Map<string, number> {
  const pids = new Map<string, number>()
  for (const [, name, pid] of stderr.matchAll(/starting (\w+) \(pid (\d+)\)/g)) {
    pids.set(name ?? '', Number(pid))
  }
  return pids
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Pids of every process whose command line mentions `text` (Linux /proc). */
export function processesMentioning(text: string): number[] {
  const found: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text)) found.push(Number(entry))
    } catch {
      // gone meanwhile
    }
  }
  return found
}
