/**
 * Reads the cache generation (migration 0007): one primary-key lookup. Triggers move it inside
 * every transaction that changes what a token validates to, in any process on the database; a
 * cache filled after reading generation G may be used for as long as G is still current.
 *
 * It is read once or twice per validation, so on SQLite it skips the query builder: one
 * statement prepared once, run straight on the connection (a few microseconds against ~40 through
 * Kysely). Not while a transaction is open on that connection, though: the raw read would see
 * the transaction's uncommitted bump, and a rollback would leave caches labelled with a
 * generation the data never had. Then it queues behind the transaction like every other query.
 * @module
 */
import type Database from 'better-sqlite3'
import type { StoreContext } from './context.ts'

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
  let statement: Database.Statement<[], number> | undefined
  return {
    async current() {
      if (sqlite.inTransaction) return viaQueryBuilder()
      statement ??= sqlite.prepare<[], number>(GENERATION_SQL).pluck()
      const value = statement.get()
      if (value === undefined) throw new Error('cache_generation has no row: run `baton db sync`')
      return Number(value)
    },
  }
}
