/**
 * Groups and group membership.
 * @module
 */
import type { Kysely, Selectable, Updateable } from 'kysely'
import { GroupNotFound, NotFound, UserNotFound } from '../../errors.ts'
import { deleteGroups } from '../cascades.ts'
import { decodeJson, encodeJson, newId } from '../codecs.ts'
import { inTransaction, type StoreContext } from '../context.ts'
import type { GroupTable, Schema } from '../schema.ts'
import { duplicateName, notFound, rethrowConflict } from '../store_errors.ts'
import { textMatches } from '../text_filter.ts'
import type { Group, GroupFilter, GroupPatch, NewGroup } from './types.ts'
import { assertDomain } from './users.ts'

function toGroup(row: Selectable<GroupTable>): Group {
  return {
    id: row.id,
    name: row.name,
    domainId: row.domain_id,
    description: row.description,
    extra: decodeJson(row.extra),
  }
}

async function findGroup(db: Kysely<Schema>, id: string): Promise<Group | undefined> {
  const row = await db.selectFrom('group').selectAll().where('id', '=', id).executeTakeFirst()
  return row ? toGroup(row) : undefined
}

export async function createGroup(ctx: StoreContext, input: NewGroup): Promise<Group> {
  const id = input.id ?? newId()
  await inTransaction(ctx, async (trx) => {
    await assertDomain(trx, input.domainId)
    try {
      await trx
        .insertInto('group')
        .values({
          id,
          name: input.name,
          domain_id: input.domainId,
          description: input.description ?? null,
          extra: encodeJson(input.extra ?? {}),
        })
        .execute()
    } catch (error) {
      rethrowConflict(error, 'group', id, () => duplicateName('group', input.name, input.domainId))
    }
  })
  return getGroup(ctx, id)
}

export async function getGroup(ctx: StoreContext, id: string): Promise<Group> {
  const group = await findGroup(ctx.db, id)
  if (!group) throw notFound(GroupNotFound, 'group', id)
  return group
}

export async function findGroupByName(
  ctx: StoreContext,
  name: string,
  domainId: string,
): Promise<Group | undefined> {
  const row = await ctx.db
    .selectFrom('group')
    .selectAll()
    .where('name', '=', name)
    .where('domain_id', '=', domainId)
    .executeTakeFirst()
  return row ? toGroup(row) : undefined
}

export async function listGroups(ctx: StoreContext, filter: GroupFilter = {}): Promise<Group[]> {
  let query = ctx.db.selectFrom('group').selectAll()
  const { name, domainId, userId } = filter
  if (name !== undefined)
    query = query.where((eb) => textMatches(eb.ref('name'), name, ctx.dialect))
  if (domainId !== undefined) query = query.where('domain_id', '=', domainId)
  if (userId !== undefined) {
    query = query.where('id', 'in', (eb) =>
      eb.selectFrom('user_group_membership').select('group_id').where('user_id', '=', userId),
    )
  }
  return (await query.orderBy('id').execute()).map(toGroup)
}

export async function updateGroup(
  ctx: StoreContext,
  id: string,
  patch: GroupPatch,
): Promise<Group> {
  const current = await getGroup(ctx, id)
  const set: Updateable<GroupTable> = {}
  if (patch.name !== undefined) set.name = patch.name
  if (patch.description !== undefined) set.description = patch.description
  if (patch.extra !== undefined) set.extra = encodeJson(patch.extra)
  if (Object.keys(set).length === 0) return current
  try {
    await ctx.db.updateTable('group').set(set).where('id', '=', id).execute()
  } catch (error) {
    rethrowConflict(error, 'group', id, () =>
      duplicateName('group', patch.name ?? current.name, current.domainId),
    )
  }
  return getGroup(ctx, id)
}

export async function deleteGroup(ctx: StoreContext, id: string): Promise<void> {
  await inTransaction(ctx, async (trx) => {
    if (!(await findGroup(trx, id))) throw notFound(GroupNotFound, 'group', id)
    await deleteGroups(trx, [id])
  })
}

export async function addUserToGroup(
  ctx: StoreContext,
  userId: string,
  groupId: string,
): Promise<void> {
  await inTransaction(ctx, async (trx) => {
    const user = await trx
      .selectFrom('user')
      .select('id')
      .where('id', '=', userId)
      .executeTakeFirst()
    if (!user) throw notFound(UserNotFound, 'user', userId)
    if (!(await findGroup(trx, groupId))) throw notFound(GroupNotFound, 'group', groupId)
    const insert = trx
      .insertInto('user_group_membership')
      .values({ user_id: userId, group_id: groupId })
    await (ctx.dialect === 'mysql'
      ? insert.onDuplicateKeyUpdate((eb) => ({ user_id: eb.ref('user_id') }))
      : insert.onConflict((oc) => oc.columns(['user_id', 'group_id']).doNothing())
    ).execute()
  })
}

export async function removeUserFromGroup(
  ctx: StoreContext,
  userId: string,
  groupId: string,
): Promise<void> {
  const result = await ctx.db
    .deleteFrom('user_group_membership')
    .where('user_id', '=', userId)
    .where('group_id', '=', groupId)
    .executeTakeFirst()
  if (Number(result.numDeletedRows) === 0) {
    // keystone/identity/backends/sql.py remove_user_from_group
    throw new NotFound(`User '${userId}' not found in group '${groupId}'`)
  }
}

export async function isUserInGroup(
  ctx: StoreContext,
  userId: string,
  groupId: string,
): Promise<boolean> {
  const row = await ctx.db
    .selectFrom('user_group_membership')
    .select('user_id')
    .where('user_id', '=', userId)
    .where('group_id', '=', groupId)
    .executeTakeFirst()
  return row !== undefined
}
