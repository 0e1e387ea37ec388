/**
 * File operations for repository writes, injectable so tests can fail any single step,
 * and an all-or-nothing runner that undoes completed steps when a later one fails.
 * @module
 */

import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs'
import { FernetError, FernetErrorCode } from './errors.ts'

export type RepositoryFs = {
  /** Creates `path` exclusively with `mode` and writes `data` durably. */
  writeNewFile(path: string, data: string, mode: number): void
  rename(from: string, to: string): void
  unlink(path: string): void
}

export const nodeRepositoryFs: RepositoryFs = {
  writeNewFile(path, data, mode) {
    const fd = openSync(path, 'wx', mode)
    try {
      writeSync(fd, data)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
  },
  rename: renameSync,
  unlink: unlinkSync,
}

/** A step of a repository change: `describe` names files, never contents. */
export type Step = { describe: string; run(): void; undo?(): void }

/**
 * Runs the steps in order; on a failure it undoes the completed ones in reverse (best effort)
 * and throws WriteFailed, so the repository is left as it was (keystone: delete `0.tmp`, re-raise).
 */
export function runAllOrNothing(dir: string, steps: readonly Step[]): void {
  const done: Step[] = []
  for (const step of steps) {
    try {
      step.run()
    } catch (error) {
      const leftovers: string[] = []
      for (const completed of done.reverse()) {
        try {
          completed.undo?.()
        } catch {
          leftovers.push(completed.describe)
        }
      }
      const undo =
        leftovers.length === 0 ? 'repository unchanged' : `could not undo: ${leftovers.join('; ')}`
      throw new FernetError(
        FernetErrorCode.WriteFailed,
        `key repository ${dir}: failed to ${step.describe} (${errorCode(error)}); ${undo}`,
        { cause: error },
      )
    }
    done.push(step)
  }
}

function errorCode(error: unknown): string {
  if (error instanceof Error && 'code' in error) return String(error.code)
  return error instanceof Error ? error.message : 'unknown error'
}

/** A step creating a new file; a failed write removes its partial file before failing. */
export function newFileStep(fs: RepositoryFs, path: string, data: string, describe: string): Step {
  return {
    describe,
    run() {
      try {
        fs.writeNewFile(path, data, 0o600)
      } catch (error) {
        try {
          removeIfPresent(fs, path)
        } catch {
          // the outer error reports the failure; nothing more to undo here
        }
        throw error
      }
    },
    undo: () => removeIfPresent(fs, path),
  }
}

/** Removes a file if present; used for stale temporaries and cleanup. */
export function removeIfPresent(fs: RepositoryFs, path: string): void {
  try {
    fs.unlink(path)
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && error.code === 'ENOENT')) throw error
  }
}
