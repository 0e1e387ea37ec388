/**
 * A lease row (`fleet_lease`): the one node allowed to do a fleet-wide job (automatic rotation).
 * Taken or renewed with a compare-and-set (free, expired, or already ours), on the database's
 * clock; a dead holder's lease expires and another node takes it.
 * @module
 */
import type { StoreDatabase } from '../store/index.ts'
import { databaseNowMicros } from './database_clock.ts'

/** True when `holder` holds `name` for the next `ttlMs` after this call. */
export async function acquireLease(
  database: StoreDatabase,
  name: string,
  holder: string,
  ttlMs: number,
): Promise<boolean> {
  const now = await databaseNowMicros(database)
  const expiresAt = now + Math.round(ttlMs * 1000)
  const { db } = database
  const taken = await db
    .updateTable('fleet_lease')
    .set({ holder, expires_at: expiresAt })
    .where('name', '=', name)
    .where((eb) => eb.or([eb('holder', '=', holder), eb('expires_at', '<', now)]))
    .executeTakeFirst()
  if (Number(taken.numUpdatedRows) > 0) return true
  const existing = await db
    .selectFrom('fleet_lease')
    .select('holder')
    .where('name', '=', name)
    .executeTakeFirst()
  if (existing !== undefined) return false
  try {
    await db.insertInto('fleet_lease').values({ name, holder, expires_at: expiresAt }).execute()
    return true
  } catch {
    return false // another node inserted it first
  }
}

export async function leaseHolder(
  database: StoreDatabase,
  name: string,
): Promise<{ holder: string; expiresInMs: number } | undefined> {
  const now = await databaseNowMicros(database)
  const row = await database.db
    .selectFrom('fleet_lease')
    .selectAll()
    .where('name', '=', name)
    .executeTakeFirst()
  if (row === undefined) return undefined
  return { holder: row.holder, expiresInMs: (Number(row.expires_at) - now) / 1000 }
}
