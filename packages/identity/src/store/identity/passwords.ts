/**
 * Password history and the lockout counters (`[security_compliance] lockout_failure_attempts`):
 * the store keeps hashes and times; the auth layer decides what they mean.
 * @module
 */
import type { Kysely, Selectable } from 'kysely'
import { UserNotFound } from '../../errors.ts'
import { asBool } from '../codecs.ts'
import { inTransaction, type StoreContext } from '../context.ts'
import type { PasswordTable, Schema } from '../schema.ts'
import { notFound } from '../store_errors.ts'
import { type Micros, nowMicros } from '../timestamps.ts'
import { dayOf } from './inactivity.ts'
import type { NewPassword, PasswordRecord } from './types.ts'

function toPassword(row: Selectable<PasswordTable>): PasswordRecord {
  return {
    hash: row.password_hash,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    selfService: asBool(row.self_service),
  }
}

export async function insertPassword(
  trx: Kysely<Schema>,
  userId: string,
  password: NewPassword,
  now: Micros,
): Promise<void> {
  await trx
    .insertInto('password')
    .values({
      user_id: userId,
      password_hash: password.hash,
      created_at: now,
      expires_at: password.expiresAt ?? null,
      self_service: password.selfService ?? false,
    })
    .execute()
}

async function assertUser(db: Kysely<Schema>, userId: string): Promise<void> {
  const row = await db.selectFrom('user').select('id').where('id', '=', userId).executeTakeFirst()
  if (!row) throw notFound(UserNotFound, 'user', userId)
}

export async function setPassword(
  ctx: StoreContext,
  userId: string,
  password: NewPassword,
): Promise<void> {
  await inTransaction(ctx, async (trx) => {
    await assertUser(trx, userId)
    await insertPassword(trx, userId, password, nowMicros(ctx.clock))
  })
}

export async function listPasswordHistory(
  ctx: StoreContext,
  userId: string,
  limit: number,
): Promise<PasswordRecord[]> {
  const rows = await ctx.db
    .selectFrom('password')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('id', 'desc')
    .limit(Math.max(0, Math.trunc(limit)))
    .execute()
  return rows.map(toPassword)
}

export async function getPassword(
  ctx: StoreContext,
  userId: string,
): Promise<PasswordRecord | undefined> {
  return (await listPasswordHistory(ctx, userId, 1))[0]
}

export async function recordFailedAuth(ctx: StoreContext, userId: string): Promise<number> {
  return inTransaction(ctx, async (trx) => {
    // One UPDATE increments in the database, so concurrent failures on several nodes all count.
    const result = await trx
      .updateTable('user')
      .set((eb) => ({
        failed_auth_count: eb('failed_auth_count', '+', 1),
        failed_auth_at: nowMicros(ctx.clock),
      }))
      .where('id', '=', userId)
      .executeTakeFirst()
    if (Number(result.numUpdatedRows) === 0) throw notFound(UserNotFound, 'user', userId)
    const row = await trx
      .selectFrom('user')
      .select('failed_auth_count')
      .where('id', '=', userId)
      .executeTakeFirstOrThrow()
    return row.failed_auth_count
  })
}

export async function resetFailedAuth(ctx: StoreContext, userId: string): Promise<void> {
  const result = await ctx.db
    .updateTable('user')
    .set({ failed_auth_count: 0, failed_auth_at: null })
    .where('id', '=', userId)
    .executeTakeFirst()
  if (Number(result.numUpdatedRows) === 0) throw notFound(UserNotFound, 'user', userId)
}

/** Keystone's set_last_active_at: a DATE there, the start of the UTC day here. */
export async function recordLastActive(ctx: StoreContext, userId: string): Promise<void> {
  const result = await ctx.db
    .updateTable('user')
    .set({ last_active_at: dayOf(nowMicros(ctx.clock)) })
    .where('id', '=', userId)
    .executeTakeFirst()
  if (Number(result.numUpdatedRows) === 0) throw notFound(UserNotFound, 'user', userId)
}
