/**
 * Reads the cache generation (migration 0007): one primary-key lookup. Triggers move it inside
 * every transaction that changes what a token validates to, in any process on the database; a
 * cache filled after reading generation G may be used for as long as G is still current.
 * @module
 */
import type { StoreContext } from './context.ts'

export interface CacheGenerationReader {
  /** The current generation; read it BEFORE computing anything to be cached under it. */
  current(): Promise<number>
}

export function createCacheGenerationReader(ctx: StoreContext): CacheGenerationReader {
  return {
    async current() {
      const row = await ctx.db
        .selectFrom('cache_generation')
        .select('value')
        .where('id', '=', 1)
        .executeTakeFirstOrThrow()
      return Number(row.value)
    },
  }
}
