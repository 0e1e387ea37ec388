/**
 * Roles (global, or specific to one domain) and role implications.
 * @module
 */
import type { Kysely, Selectable, Updateable } from 'kysely'
import { ImpliedRoleNotFound, RoleNotFound } from '../../errors.ts'
import { decodeJson, encodeJson, newId, roleDomainFromDb, roleDomainToDb } from '../codecs.ts'
import { inTransaction, type StoreContext } from '../context.ts'
import { assertDomain } from '../identity/users.ts'
import type { RoleTable, Schema } from '../schema.ts'
import { conflict, duplicateName, notFound, rethrowConflict } from '../store_errors.ts'
import { textMatches } from '../text_filter.ts'
import type { NewRole, Role, RoleFilter, RoleImplication, RolePatch } from './types.ts'

export function toRole(row: Selectable<RoleTable>): Role {
  return {
    id: row.id,
    name: row.name,
    domainId: roleDomainFromDb(row.domain_id),
    description: row.description,
    options: decodeJson(row.options),
    extra: decodeJson(row.extra),
  }
}

export async function assertRole(db: Kysely<Schema>, id: string): Promise<void> {
  const row = await db.selectFrom('role').select('id').where('id', '=', id).executeTakeFirst()
  if (!row) throw notFound(RoleNotFound, 'role', id)
}

export async function createRole(ctx: StoreContext, input: NewRole): Promise<Role> {
  const id = input.id ?? newId()
  const domainId = input.domainId ?? null
  await inTransaction(ctx, async (trx) => {
    if (domainId !== null) await assertDomain(trx, domainId)
    try {
      await trx
        .insertInto('role')
        .values({
          id,
          name: input.name,
          domain_id: roleDomainToDb(domainId),
          description: input.description ?? null,
          options: encodeJson(input.options ?? {}),
          extra: encodeJson(input.extra ?? {}),
        })
        .execute()
    } catch (error) {
      rethrowConflict(error, 'role', id, () => duplicateName('role', input.name, domainId))
    }
  })
  return getRole(ctx, id)
}

export async function getRole(ctx: StoreContext, id: string): Promise<Role> {
  const row = await ctx.db.selectFrom('role').selectAll().where('id', '=', id).executeTakeFirst()
  if (!row) throw notFound(RoleNotFound, 'role', id)
  return toRole(row)
}

export async function findRoleByName(
  ctx: StoreContext,
  name: string,
  domainId: string | null,
): Promise<Role | undefined> {
  const row = await ctx.db
    .selectFrom('role')
    .selectAll()
    .where('name', '=', name)
    .where('domain_id', '=', roleDomainToDb(domainId))
    .executeTakeFirst()
  return row ? toRole(row) : undefined
}

export async function listRoles(ctx: StoreContext, filter: RoleFilter = {}): Promise<Role[]> {
  let query = ctx.db.selectFrom('role').selectAll()
  const { name, domainId } = filter
  if (name !== undefined)
    query = query.where((eb) => textMatches(eb.ref('name'), name, ctx.dialect))
  if (domainId !== undefined) query = query.where('domain_id', '=', roleDomainToDb(domainId))
  return (await query.orderBy('id').execute()).map(toRole)
}

export async function listRolesByIds(ctx: StoreContext, ids: readonly string[]): Promise<Role[]> {
  if (ids.length === 0) return []
  const rows = await ctx.db
    .selectFrom('role')
    .selectAll()
    .where('id', 'in', [...new Set(ids)])
    .orderBy('id')
    .execute()
  return rows.map(toRole)
}

export async function updateRole(ctx: StoreContext, id: string, patch: RolePatch): Promise<Role> {
  const current = await getRole(ctx, id)
  const set: Updateable<RoleTable> = {}
  if (patch.name !== undefined) set.name = patch.name
  if (patch.description !== undefined) set.description = patch.description
  if (patch.options !== undefined) set.options = encodeJson(patch.options)
  if (patch.extra !== undefined) set.extra = encodeJson(patch.extra)
  if (Object.keys(set).length === 0) return current
  try {
    await ctx.db.updateTable('role').set(set).where('id', '=', id).execute()
  } catch (error) {
    rethrowConflict(error, 'role', id, () =>
      duplicateName('role', patch.name ?? current.name, current.domainId),
    )
  }
  return getRole(ctx, id)
}

export async function deleteRole(ctx: StoreContext, id: string): Promise<void> {
  // Assignments, implications and application-credential roles go by ON DELETE CASCADE.
  const result = await ctx.db.deleteFrom('role').where('id', '=', id).executeTakeFirst()
  if (Number(result.numDeletedRows) === 0) throw notFound(RoleNotFound, 'role', id)
}

export async function addImpliedRole(
  ctx: StoreContext,
  priorRoleId: string,
  impliedRoleId: string,
): Promise<void> {
  await inTransaction(ctx, async (trx) => {
    await assertRole(trx, priorRoleId)
    await assertRole(trx, impliedRoleId)
    try {
      await trx
        .insertInto('implied_role')
        .values({ prior_role_id: priorRoleId, implied_role_id: impliedRoleId })
        .execute()
    } catch (error) {
      rethrowConflict(error, 'implied_role', priorRoleId, () =>
        conflict('implied_role', `Duplicate entry found with ID ${priorRoleId}/${impliedRoleId}`),
      )
    }
  })
}

export async function hasImpliedRole(
  ctx: StoreContext,
  priorRoleId: string,
  impliedRoleId: string,
): Promise<boolean> {
  const row = await ctx.db
    .selectFrom('implied_role')
    .select('prior_role_id')
    .where('prior_role_id', '=', priorRoleId)
    .where('implied_role_id', '=', impliedRoleId)
    .executeTakeFirst()
  return row !== undefined
}

export async function removeImpliedRole(
  ctx: StoreContext,
  priorRoleId: string,
  impliedRoleId: string,
): Promise<void> {
  const result = await ctx.db
    .deleteFrom('implied_role')
    .where('prior_role_id', '=', priorRoleId)
    .where('implied_role_id', '=', impliedRoleId)
    .executeTakeFirst()
  if (Number(result.numDeletedRows) === 0) {
    // keystone exception.ImpliedRoleNotFound
    throw new ImpliedRoleNotFound(`${priorRoleId} does not imply ${impliedRoleId}.`)
  }
}

export async function listImpliedRoles(
  ctx: StoreContext,
  priorRoleId?: string,
): Promise<RoleImplication[]> {
  let query = ctx.db.selectFrom('implied_role').selectAll()
  if (priorRoleId !== undefined) query = query.where('prior_role_id', '=', priorRoleId)
  const rows = await query.orderBy('prior_role_id').orderBy('implied_role_id').execute()
  return rows.map((r) => ({ priorRoleId: r.prior_role_id, impliedRoleId: r.implied_role_id }))
}
