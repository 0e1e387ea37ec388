/**
 * Local users: create (with an optional first password, atomically), read, list with Keystone's
 * filters, update, delete with its cascade.
 * @module
 */
import type { Kysely, Selectable, Updateable } from 'kysely'
import { DomainNotFound, UserNotFound } from '../../errors.ts'
import { deleteUsers } from '../cascades.ts'
import { asBool, decodeJson, encodeJson, newId, ROOT_DOMAIN_ID } from '../codecs.ts'
import { inTransaction, type StoreContext } from '../context.ts'
import type { Schema, UserTable } from '../schema.ts'
import { duplicateName, notFound, rethrowConflict } from '../store_errors.ts'
import { textMatches } from '../text_filter.ts'
import { nowMicros } from '../timestamps.ts'
import { insertPassword } from './passwords.ts'
import type { NewUser, User, UserFilter, UserPatch } from './types.ts'

type UserRow = Selectable<UserTable> & { password_expires_at: number | null }

function usersQuery(db: Kysely<Schema>) {
  return db
    .selectFrom('user')
    .selectAll('user')
    .select((eb) =>
      eb
        .selectFrom('password')
        .select('password.expires_at')
        .whereRef('password.user_id', '=', 'user.id')
        .orderBy('password.id', 'desc')
        .limit(1)
        .as('password_expires_at'),
    )
}

function toUser(row: UserRow): User {
  return {
    id: row.id,
    name: row.name,
    domainId: row.domain_id,
    enabled: asBool(row.enabled),
    defaultProjectId: row.default_project_id,
    options: decodeJson(row.options),
    extra: decodeJson(row.extra),
    createdAt: row.created_at,
    lastActiveAt: row.last_active_at,
    failedAuthCount: row.failed_auth_count,
    failedAuthAt: row.failed_auth_at,
    passwordExpiresAt: row.password_expires_at,
  }
}

/** @throws DomainNotFound unless `domainId` names a domain */
export async function assertDomain(db: Kysely<Schema>, domainId: string): Promise<void> {
  const row = await db
    .selectFrom('project')
    .select('id')
    .where('id', '=', domainId)
    .where('is_domain', '=', true)
    .where('id', '!=', ROOT_DOMAIN_ID)
    .executeTakeFirst()
  if (!row) throw notFound(DomainNotFound, 'domain', domainId)
}

export async function createUser(ctx: StoreContext, input: NewUser): Promise<User> {
  const id = input.id ?? newId()
  const now = nowMicros(ctx.clock)
  await inTransaction(ctx, async (trx) => {
    await assertDomain(trx, input.domainId)
    try {
      await trx
        .insertInto('user')
        .values({
          id,
          name: input.name,
          domain_id: input.domainId,
          enabled: input.enabled ?? true,
          default_project_id: input.defaultProjectId ?? null,
          options: encodeJson(input.options ?? {}),
          extra: encodeJson(input.extra ?? {}),
          created_at: now,
          last_active_at: null,
          failed_auth_count: 0,
          failed_auth_at: null,
        })
        .execute()
    } catch (error) {
      rethrowConflict(error, 'user', id, () => duplicateName('user', input.name, input.domainId))
    }
    if (input.password) await insertPassword(trx, id, input.password, now)
  })
  return getUser(ctx, id)
}

export async function findUser(db: Kysely<Schema>, id: string): Promise<User | undefined> {
  const row = await usersQuery(db).where('user.id', '=', id).executeTakeFirst()
  return row ? toUser(row) : undefined
}

export async function getUser(ctx: StoreContext, id: string): Promise<User> {
  const user = await findUser(ctx.db, id)
  if (!user) throw notFound(UserNotFound, 'user', id)
  return user
}

export async function findUserByName(
  ctx: StoreContext,
  name: string,
  domainId: string,
): Promise<User | undefined> {
  const row = await usersQuery(ctx.db)
    .where('user.name', '=', name)
    .where('user.domain_id', '=', domainId)
    .executeTakeFirst()
  return row ? toUser(row) : undefined
}

export async function listUsers(ctx: StoreContext, filter: UserFilter = {}): Promise<User[]> {
  let query = usersQuery(ctx.db)
  const { name, domainId, enabled, groupId } = filter
  if (name !== undefined) {
    query = query.where((eb) => textMatches(eb.ref('user.name'), name, ctx.dialect))
  }
  if (domainId !== undefined) query = query.where('user.domain_id', '=', domainId)
  if (enabled !== undefined) query = query.where('user.enabled', '=', enabled)
  if (groupId !== undefined) {
    query = query.where('user.id', 'in', (eb) =>
      eb.selectFrom('user_group_membership').select('user_id').where('group_id', '=', groupId),
    )
  }
  return (await query.orderBy('user.id').execute()).map(toUser)
}

export async function updateUser(ctx: StoreContext, id: string, patch: UserPatch): Promise<User> {
  const current = await getUser(ctx, id)
  const set: Updateable<UserTable> = {}
  if (patch.name !== undefined) set.name = patch.name
  if (patch.enabled !== undefined) set.enabled = patch.enabled
  if (patch.defaultProjectId !== undefined) set.default_project_id = patch.defaultProjectId
  if (patch.options !== undefined) set.options = encodeJson(patch.options)
  if (patch.extra !== undefined) set.extra = encodeJson(patch.extra)
  if (Object.keys(set).length === 0) return current
  try {
    await ctx.db.updateTable('user').set(set).where('id', '=', id).execute()
  } catch (error) {
    rethrowConflict(error, 'user', id, () =>
      duplicateName('user', patch.name ?? current.name, current.domainId),
    )
  }
  return getUser(ctx, id)
}

export async function deleteUser(ctx: StoreContext, id: string): Promise<void> {
  await inTransaction(ctx, async (trx) => {
    if (!(await findUser(trx, id))) throw notFound(UserNotFound, 'user', id)
    await deleteUsers(trx, [id])
  })
}
