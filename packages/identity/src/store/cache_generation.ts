/**
 * Reads the cache generation (migration 0007): one primary-key lookup. Triggers move it inside
 * every transaction that changes what a token validates to, in any process on the database; a
 * cache filled after reading generation G may be used for as long as G is still current.
 *
 * Every validation and issue reads it, two to four times per request, so on SQLite the read
 * skips the query builder (one statement prepared once, run straight on the connection) and its
 * value is shared until the end of the event-loop turn it was read in (`setImmediate`), or until
 * this process writes through the connection, whichever comes first. So a write made here is seen
 * by the next read, and a write made by another process is seen within one turn: requests
 * handled in the same turn were in flight together, and either order is one they could have had.
 *
 * Not while a transaction is open on the connection: a raw read would see its uncommitted bump,
 * and a rollback would leave caches labelled with a generation the data never had. Then the read
 * queues behind the transaction like every other query.
 * @module
 */
import type Database from 'better-sqlite3'
import type { StoreContext } from './context.ts'
import type { SqliteHandle } from './database.ts'

export interface CacheGenerationReader {
  /** The current generation; read it BEFORE computing anything to be cached under it. */
  current(): Promise<number>
}

const GENERATION_SQL = 'select "value" from "cache_generation" where "id" = 1'

export function createCacheGenerationReader(ctx: StoreContext): CacheGenerationReader {
  const viaQueryBuilder = async () => {
    const row = await ctx.db
      .selectFrom('cache_generation')
      .select('value')
      .where('id', '=', 1)
      .executeTakeFirstOrThrow()
    return Number(row.value)
  }
  const { sqlite } = ctx
  if (sqlite === undefined || ctx.db.isTransaction) return { current: viaQueryBuilder }
  const readTurnShared = sharedPerTurn(sqlite)
  return {
    async current() {
      return sqlite.connection.inTransaction ? viaQueryBuilder() : readTurnShared()
    },
  }
}

function sharedPerTurn(sqlite: SqliteHandle): () => number {
  let statement: Database.Statement<[], number> | undefined
  let shared: { value: number; writes: number } | undefined
  const forget = () => {
    shared = undefined
  }
  return () => {
    const writes = sqlite.writes()
    if (shared !== undefined && shared.writes === writes) return shared.value
    statement ??= sqlite.connection.prepare<[], number>(GENERATION_SQL).pluck()
    const value = statement.get()
    if (value === undefined) throw new Error('cache_generation has no row: run `baton db sync`')
    if (shared === undefined) setImmediate(forget)
    shared = { value: Number(value), writes }
    return shared.value
  }
}
