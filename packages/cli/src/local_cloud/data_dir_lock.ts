/**
 * One `baton up` per data directory: `<data dir>/up.lock` holds the pid of the `baton up` that owns
 * it. Without it a second `up` would start a second cloud on the same SQLite files and keys. The
 * lock is made atomically (a complete temp file hard-linked into place, which fails when one
 * exists); a lock whose pid is no longer running is taken over with a note; it is released on any
 * exit of the process (normal, error, Ctrl-C).
 * @module
 */
import {
  linkSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import { CliError, CliErrorCode } from '../errors.ts'

export const LOCK_FILE = 'up.lock'

export type DataDirLock = { readonly path: string; release(): void }

function errno(error: unknown): string {
  return error instanceof Error && 'code' in error ? String(error.code) : ''
}

/** True when a process with this pid exists (EPERM: it does, it is someone else's). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return errno(error) === 'EPERM'
  }
}

function readPid(path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10)
    return Number.isInteger(pid) && pid > 0 ? pid : undefined
  } catch (error) {
    // no lock (or the data directory is a file: ensureDataDir says so)
    if (errno(error) === 'ENOENT' || errno(error) === 'ENOTDIR') return undefined
    throw error
  }
}

/** Creates the data directory if needed (mode 0700); refuses a path that is not a directory. */
export function ensureDataDir(dataDir: string): void {
  try {
    if (!statSync(dataDir).isDirectory()) {
      throw new CliError(CliErrorCode.DataDirUnusable, `the data directory ${dataDir} is a file`)
    }
    return
  } catch (error) {
    if (errno(error) !== 'ENOENT') {
      if (error instanceof CliError) throw error
      throw new CliError(
        CliErrorCode.DataDirUnusable,
        `the data directory ${dataDir}: ${errno(error)}`,
      )
    }
  }
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  } catch (error) {
    throw new CliError(
      CliErrorCode.DataDirUnusable,
      `cannot create the data directory ${dataDir} (${errno(error) || String(error)})`,
      { cause: error },
    )
  }
}

/** Takes the data directory's lock or throws `BATON_CLI_DATA_DIR_LOCKED` naming the holder. */
export function lockDataDir(dataDir: string, note: (line: string) => void): DataDirLock {
  const path = join(dataDir, LOCK_FILE)
  const holder = readPid(path)
  if (holder !== undefined && isRunning(holder)) throw locked(dataDir, holder)
  ensureDataDir(dataDir)
  const temp = `${path}.${process.pid}`
  try {
    writeFileSync(temp, `${process.pid}\n`, { mode: 0o600 })
  } catch (error) {
    throw new CliError(
      CliErrorCode.DataDirUnusable,
      `cannot write in the data directory ${dataDir} (${errno(error) || String(error)})`,
      { cause: error },
    )
  }
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        linkSync(temp, path)
        return held(path)
      } catch (error) {
        if (errno(error) !== 'EEXIST') throw error
      }
      const current = readPid(path)
      if (current !== undefined && isRunning(current)) throw locked(dataDir, current)
      takeOver(path, current, note, dataDir)
    }
    throw new CliError(
      CliErrorCode.DataDirLocked,
      `could not lock ${dataDir}: ${path} keeps changing`,
    )
  } finally {
    unlinkSync(temp)
  }
}

function locked(dataDir: string, holder: number): CliError {
  return new CliError(
    CliErrorCode.DataDirLocked,
    `the data directory ${dataDir} is in use by another baton up (pid ${holder}); stop that one ` +
      `first (Ctrl-C in its terminal, or kill ${holder}), or give this one another --data-dir`,
  )
}

/** Moves a stale lock aside; puts it back when it turned out to be a fresh one (a racing `up`). */
function takeOver(
  path: string,
  holder: number | undefined,
  note: (line: string) => void,
  dataDir: string,
): void {
  const aside = `${path}.stale.${process.pid}`
  try {
    renameSync(path, aside)
  } catch (error) {
    if (errno(error) === 'ENOENT') return // someone else moved it: try again
    throw error
  }
  const moved = readPid(aside)
  if (moved !== holder && moved !== undefined && isRunning(moved)) {
    try {
      linkSync(aside, path)
    } catch {
      // a third `up` holds it now; the next attempt says who
    }
  } else {
    note(
      holder === undefined
        ? `taking over the unreadable lock ${path}`
        : `taking over the lock on ${dataDir} from pid ${holder}, which is no longer running`,
    )
  }
  unlinkSync(aside)
}

function held(path: string): DataDirLock {
  let released = false
  const release = (): void => {
    if (released) return
    released = true
    process.removeListener('exit', release)
    try {
      if (readPid(path) === process.pid) unlinkSync(path)
    } catch {
      // already gone
    }
  }
  process.on('exit', release)
  return { path, release }
}
