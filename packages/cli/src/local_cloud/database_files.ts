/**
 * The local cloud's SQLite files (identity.db and each service's `<service>/<service>.sqlite`),
 * checked before `up` writes anything: a file that is not an SQLite database is named with the fix
 * instead of surfacing later as an "unexpected error" from deep inside a migration. Damage the
 * header check cannot see is translated the same way when SQLite reports it.
 * @module
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { CliError, CliErrorCode } from '../errors.ts'
import { PROGRAMS, type ProgramName } from './plan.ts'

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1')

export function databasePath(dataDir: string, program: ProgramName): string {
  return program === 'identity'
    ? join(dataDir, 'identity.db')
    : join(dataDir, program, `${program}.sqlite`)
}

export function corruptDatabase(dataDir: string, program: ProgramName, why: string): CliError {
  const file = databasePath(dataDir, program)
  const loss =
    program === 'identity'
      ? 'an empty identity: its users, projects and catalog are lost; baton up bootstraps it ' +
        'again with the passwords in secrets.json'
      : `${program} empty: what it held is lost`
  return new CliError(
    CliErrorCode.DatabaseCorrupt,
    `${file} ${why}: restore it from a backup, or delete it (${relative(dataDir, file)}) to start ${loss}`,
  )
}

function headerProblem(file: string): string | undefined {
  const size = statSync(file).size
  if (size === 0) return undefined // SQLite treats an empty file as a new database
  const fd = openSync(file, 'r')
  try {
    const head = Buffer.alloc(SQLITE_HEADER.length)
    const read = readSync(fd, head, 0, head.length, 0)
    if (read < head.length || !head.equals(SQLITE_HEADER)) {
      return 'is not an SQLite database (no SQLite header)'
    }
    if (size < 512) return `is damaged (${size} bytes, less than one SQLite page)`
    return undefined
  } finally {
    closeSync(fd)
  }
}

/** Throws `BATON_CLI_DATABASE_CORRUPT` for the first database file that is not SQLite. */
export function checkDatabaseFiles(dataDir: string): void {
  for (const program of PROGRAMS) {
    const file = databasePath(dataDir, program)
    if (!existsSync(file)) continue
    const problem = headerProblem(file)
    if (problem !== undefined) throw corruptDatabase(dataDir, program, problem)
  }
}

/** SQLite's own words for a damaged file (better-sqlite3 codes and messages). */
export function isSqliteDamage(error: unknown): boolean {
  const code = error instanceof Error && 'code' in error ? String(error.code) : ''
  const message = error instanceof Error ? error.message : String(error)
  return (
    code === 'SQLITE_CORRUPT' ||
    code === 'SQLITE_NOTADB' ||
    /malformed|not a database/i.test(message)
  )
}
