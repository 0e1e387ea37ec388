/**
 * `baton trust flush` (keystone-manage trust_flush): removes soft-deleted trusts, and those that
 * expired before a date, optionally only one project's, trustor's or trustee's. The schema must
 * be current, as for the server.
 * @module
 */
import type { Config } from '@baton/config'
import type { TrustFlushFilter } from '../store/index.ts'
import { openCurrentStoreWithRetry } from './database_access.ts'

export type { TrustFlushFilter }

/** Returns how many trusts were removed. */
export async function flushTrusts(config: Config, filter: TrustFlushFilter): Promise<number> {
  const { store, database } = await openCurrentStoreWithRetry(config, undefined, () => {})
  try {
    return await store.trusts.flush(filter)
  } finally {
    await database.close()
  }
}
