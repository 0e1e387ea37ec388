/**
 * Grants: roles given to a user or group on a project or domain (Keystone's `assignment` rows)
 * or on the system (`system_assignment`), and the raw assignment listing.
 * @module
 */
import type { Kysely } from 'kysely'
import {
  DomainNotFound,
  GroupNotFound,
  ProjectNotFound,
  RoleAssignmentNotFound,
  UserNotFound,
} from '../../errors.ts'
import { asBool, ROOT_DOMAIN_ID } from '../codecs.ts'
import { inTransaction, type StoreContext } from '../context.ts'
import type { AssignmentType, Schema, SystemAssignmentType } from '../schema.ts'
import { notFound } from '../store_errors.ts'
import { assertRole, toRole } from './roles.ts'
import type {
  Actor,
  Grant,
  GrantTarget,
  Role,
  RoleAssignment,
  RoleAssignmentFilter,
} from './types.ts'

/** keystone's system target ID; rendered as `{"system": {"all": true}}`. */
export const SYSTEM_TARGET = 'system'

function assignmentType(actor: Actor, target: GrantTarget): AssignmentType {
  if (actor.type === 'user') return target.type === 'project' ? 'UserProject' : 'UserDomain'
  return target.type === 'project' ? 'GroupProject' : 'GroupDomain'
}

function systemType(actor: Actor): SystemAssignmentType {
  return actor.type === 'user' ? 'UserSystem' : 'GroupSystem'
}

async function assertActor(db: Kysely<Schema>, actor: Actor): Promise<void> {
  const table = actor.type === 'user' ? 'user' : 'group'
  const row = await db.selectFrom(table).select('id').where('id', '=', actor.id).executeTakeFirst()
  if (row) return
  throw actor.type === 'user'
    ? notFound(UserNotFound, 'user', actor.id)
    : notFound(GroupNotFound, 'group', actor.id)
}

async function assertTarget(db: Kysely<Schema>, target: GrantTarget): Promise<void> {
  const row = await db
    .selectFrom('project')
    .select('id')
    .where('id', '=', target.id)
    .where('id', '!=', ROOT_DOMAIN_ID)
    .where('is_domain', '=', target.type === 'domain')
    .executeTakeFirst()
  if (row) return
  throw target.type === 'project'
    ? notFound(ProjectNotFound, 'project', target.id)
    : notFound(DomainNotFound, 'domain', target.id)
}

function grantKey(grant: Grant) {
  return {
    type: assignmentType(grant.actor, grant.target),
    actor_id: grant.actor.id,
    target_id: grant.target.id,
    role_id: grant.roleId,
    inherited: grant.inherited ?? false,
  }
}

function assignmentMissing(roleId: string, actorId: string, targetId: string): Error {
  return new RoleAssignmentNotFound(
    `Could not find role assignment with role: ${roleId}, user or group: ${actorId}, ` +
      `project, domain, or system: ${targetId}.`,
  )
}

export async function grant(ctx: StoreContext, g: Grant): Promise<void> {
  await inTransaction(ctx, async (trx) => {
    await assertRole(trx, g.roleId)
    await assertActor(trx, g.actor)
    await assertTarget(trx, g.target)
    const insert = trx.insertInto('assignment').values(grantKey(g))
    await (ctx.dialect === 'mysql'
      ? insert.onDuplicateKeyUpdate((eb) => ({ role_id: eb.ref('role_id') }))
      : insert.onConflict((oc) => oc.doNothing())
    ).execute()
  })
}

export async function hasGrant(ctx: StoreContext, g: Grant): Promise<boolean> {
  const row = await ctx.db
    .selectFrom('assignment')
    .select('role_id')
    .where((eb) => eb.and(grantKey(g)))
    .executeTakeFirst()
  return row !== undefined
}

export async function revokeGrant(ctx: StoreContext, g: Grant): Promise<void> {
  const result = await ctx.db
    .deleteFrom('assignment')
    .where((eb) => eb.and(grantKey(g)))
    .executeTakeFirst()
  if (Number(result.numDeletedRows) === 0)
    throw assignmentMissing(g.roleId, g.actor.id, g.target.id)
}

export async function listGrantedRoles(
  ctx: StoreContext,
  actor: Actor,
  target: GrantTarget,
  inherited = false,
): Promise<Role[]> {
  const rows = await ctx.db
    .selectFrom('role')
    .selectAll('role')
    .innerJoin('assignment', 'assignment.role_id', 'role.id')
    .where('assignment.type', '=', assignmentType(actor, target))
    .where('assignment.actor_id', '=', actor.id)
    .where('assignment.target_id', '=', target.id)
    .where('assignment.inherited', '=', inherited)
    .orderBy('role.id')
    .execute()
  return rows.map(toRole)
}

export async function grantSystem(ctx: StoreContext, actor: Actor, roleId: string): Promise<void> {
  await inTransaction(ctx, async (trx) => {
    await assertRole(trx, roleId)
    await assertActor(trx, actor)
    const insert = trx.insertInto('system_assignment').values({
      type: systemType(actor),
      actor_id: actor.id,
      target_id: SYSTEM_TARGET,
      role_id: roleId,
      inherited: false,
    })
    await (ctx.dialect === 'mysql'
      ? insert.onDuplicateKeyUpdate((eb) => ({ role_id: eb.ref('role_id') }))
      : insert.onConflict((oc) => oc.doNothing())
    ).execute()
  })
}

function systemRows(ctx: StoreContext, actor: Actor) {
  return ctx.db
    .selectFrom('system_assignment')
    .where('type', '=', systemType(actor))
    .where('actor_id', '=', actor.id)
    .where('target_id', '=', SYSTEM_TARGET)
}

export async function hasSystemGrant(
  ctx: StoreContext,
  actor: Actor,
  roleId: string,
): Promise<boolean> {
  const row = await systemRows(ctx, actor)
    .select('role_id')
    .where('role_id', '=', roleId)
    .executeTakeFirst()
  return row !== undefined
}

export async function revokeSystemGrant(
  ctx: StoreContext,
  actor: Actor,
  roleId: string,
): Promise<void> {
  const result = await ctx.db
    .deleteFrom('system_assignment')
    .where('type', '=', systemType(actor))
    .where('actor_id', '=', actor.id)
    .where('role_id', '=', roleId)
    .executeTakeFirst()
  if (Number(result.numDeletedRows) === 0) throw assignmentMissing(roleId, actor.id, SYSTEM_TARGET)
}

export async function listSystemGrantedRoles(ctx: StoreContext, actor: Actor): Promise<Role[]> {
  const roleIds = systemRows(ctx, actor).select('role_id')
  const rows = await ctx.db
    .selectFrom('role')
    .selectAll()
    .where('id', 'in', roleIds)
    .orderBy('id')
    .execute()
  return rows.map(toRole)
}

const ACTOR_OF: Record<string, Actor['type']> = {
  UserProject: 'user',
  UserDomain: 'user',
  UserSystem: 'user',
  GroupProject: 'group',
  GroupDomain: 'group',
  GroupSystem: 'group',
}

export async function listRoleAssignments(
  ctx: StoreContext,
  filter: RoleAssignmentFilter = {},
): Promise<RoleAssignment[]> {
  const { actor, roleId, scope, inherited } = filter
  const found: RoleAssignment[] = []
  if (scope === undefined || scope.type !== 'system') {
    let query = ctx.db.selectFrom('assignment').selectAll()
    if (actor) {
      const types: AssignmentType[] =
        actor.type === 'user' ? ['UserProject', 'UserDomain'] : ['GroupProject', 'GroupDomain']
      query = query.where('actor_id', '=', actor.id).where('type', 'in', types)
    }
    if (roleId !== undefined) query = query.where('role_id', '=', roleId)
    if (scope) {
      const types: AssignmentType[] =
        scope.type === 'project' ? ['UserProject', 'GroupProject'] : ['UserDomain', 'GroupDomain']
      query = query.where('target_id', '=', scope.id).where('type', 'in', types)
    }
    if (inherited !== undefined) query = query.where('inherited', '=', inherited)
    for (const row of await query.execute()) {
      const kind = row.type.endsWith('Project') ? 'project' : 'domain'
      found.push({
        roleId: row.role_id,
        actor: { type: ACTOR_OF[row.type] ?? 'user', id: row.actor_id },
        scope: { type: kind, id: row.target_id },
        inherited: asBool(row.inherited),
      })
    }
  }
  // System grants are never inherited.
  if ((scope === undefined || scope.type === 'system') && inherited !== true) {
    let query = ctx.db.selectFrom('system_assignment').selectAll()
    if (actor) query = query.where('type', '=', systemType(actor)).where('actor_id', '=', actor.id)
    if (roleId !== undefined) query = query.where('role_id', '=', roleId)
    for (const row of await query.execute()) {
      found.push({
        roleId: row.role_id,
        actor: { type: ACTOR_OF[row.type] ?? 'user', id: row.actor_id },
        scope: { type: 'system' },
        inherited: false,
      })
    }
  }
  return found
}
