/**
 * A statement cache in front of better-sqlite3 for Kysely's SQLite driver, which calls
 * `prepare` on every execution: compiling the SQL was the top self-time function of every identity
 * profile. Statements are kept per SQL text (bounded, least recently used out); a statement still
 * being iterated (`busy`, a streamed query) is never handed out twice, a fresh one is prepared.
 * SQLite re-prepares a cached statement by itself when the schema changes under it.
 * @module
 */
import type Database from 'better-sqlite3'
import type { SqliteDatabase } from 'kysely'

/** Distinct SQL texts kept: the store's queries plus IN lists of a few lengths. */
const DEFAULT_MAX_STATEMENTS = 512

export function withStatementCache(
  sqlite: Database.Database,
  maxStatements = DEFAULT_MAX_STATEMENTS,
): SqliteDatabase {
  const statements = new Map<string, Database.Statement>()
  return {
    close: () => sqlite.close(),
    prepare(sqlText) {
      const found = statements.get(sqlText)
      if (found !== undefined && !found.busy) {
        // Map order is insertion order: re-inserting marks it most recently used.
        statements.delete(sqlText)
        statements.set(sqlText, found)
        return found
      }
      const statement = sqlite.prepare(sqlText)
      statements.set(sqlText, statement)
      if (statements.size > maxStatements) {
        const oldest = statements.keys().next()
        if (oldest.done !== true) statements.delete(oldest.value)
      }
      return statement
    },
  }
}
