/**
 * A statement cache in front of better-sqlite3 for Kysely's SQLite driver, which calls
 * `prepare` on every execution: compiling the SQL was the top self-time function of every identity
 * profile. Statements are kept per SQL text (bounded, least recently used out); a statement still
 * being iterated (`busy`, a streamed query) is never handed out twice, a fresh one is prepared.
 * SQLite re-prepares a cached statement by itself when the schema changes under it.
 *
 * It also counts the writes this connection runs (every statement SQLite does not call read-only,
 * `commit` and `insert ... returning` included), so a reader can tell whether anything changed through this process since it last
 * looked (see cache_generation.ts).
 * @module
 */
import type Database from 'better-sqlite3'
import type { SqliteDatabase, SqliteStatement } from 'kysely'

/** Distinct SQL texts kept: the store's queries plus IN lists of a few lengths. */
const DEFAULT_MAX_STATEMENTS = 512

export interface CountingSqliteDatabase extends SqliteDatabase {
  /** How many writing statements have run through this connection so far. */
  writes(): number
}

interface Cached {
  readonly native: Database.Statement
  readonly counted: SqliteStatement
}

export function withStatementCache(
  sqlite: Database.Database,
  maxStatements = DEFAULT_MAX_STATEMENTS,
): CountingSqliteDatabase {
  const statements = new Map<string, Cached>()
  let writes = 0
  const counting = (native: Database.Statement): SqliteStatement => {
    // `readonly` is SQLite's own verdict; `reader` only says rows come back (RETURNING does).
    if (native.readonly) return native
    return {
      reader: native.reader,
      all: (parameters) => counted(() => native.all(parameters)),
      iterate: (parameters) => counted(() => native.iterate(parameters)),
      run: (parameters) => counted(() => native.run(parameters)),
    }
  }
  const counted = <T>(work: () => T): T => {
    try {
      return work()
    } finally {
      // Counted even when it fails: a failed statement may still have ended a transaction.
      writes++
    }
  }
  return {
    close: () => sqlite.close(),
    writes: () => writes,
    prepare(sqlText) {
      const found = statements.get(sqlText)
      if (found !== undefined && !found.native.busy) {
        // Map order is insertion order: re-inserting marks it most recently used.
        statements.delete(sqlText)
        statements.set(sqlText, found)
        return found.counted
      }
      const native = sqlite.prepare(sqlText)
      const cached = { native, counted: counting(native) }
      statements.set(sqlText, cached)
      if (statements.size > maxStatements) {
        const oldest = statements.keys().next()
        if (oldest.done !== true) statements.delete(oldest.value)
      }
      return cached.counted
    },
  }
}
