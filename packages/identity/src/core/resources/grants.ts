/**
 * Grants on projects and domains (optionally OS-INHERIT inherited to projects) and on the system
 * (keystone/assignment/core.py create_grant, get_grant, list_grants, delete_grant and the
 * *_system_grant_* methods). A domain-specific role can only be granted on projects of its
 * domain and never on the system. Revoking a grant writes no revocation event: token validation
 * recomputes the roles.
 * @module
 */
import { Forbidden, RoleAssignmentNotFound, ValidationError } from '../../errors.ts'
import type { Actor, GrantTarget, Role, Store } from '../../store/index.ts'

export type GrantKey = {
  readonly roleId: string
  readonly actor: Actor
  readonly target: GrantTarget
  readonly inherited: boolean
}

export function assignmentNotFound(roleId: string, actorId: string, targetId: string) {
  return new RoleAssignmentNotFound(
    `Could not find role assignment with role: ${roleId}, user or group: ${actorId}, ` +
      `project, domain, or system: ${targetId}.`,
  )
}

async function assertTarget(store: Store, target: GrantTarget) {
  if (target.type === 'domain') return { domainId: (await store.resource.getDomain(target.id)).id }
  return { domainId: (await store.resource.getProject(target.id)).domainId }
}

export async function createGrant(store: Store, key: GrantKey): Promise<void> {
  const role = await store.assignment.getRole(key.roleId)
  const target = await assertTarget(store, key.target)
  if (
    key.target.type === 'project' &&
    role.domainId !== null &&
    target.domainId !== role.domainId
  ) {
    throw new Forbidden(
      `Project ${key.target.id} must be in the same domain as the role ${role.id} being assigned.`,
    )
  }
  await store.assignment.grant(key)
}

export async function checkGrant(store: Store, key: GrantKey): Promise<void> {
  await store.assignment.getRole(key.roleId)
  await assertTarget(store, key.target)
  if (!(await store.assignment.hasGrant(key))) {
    throw assignmentNotFound(key.roleId, key.actor.id, key.target.id)
  }
}

export async function listGrants(
  store: Store,
  actor: Actor,
  target: GrantTarget,
  inherited: boolean,
): Promise<Role[]> {
  await assertTarget(store, target)
  return store.assignment.listGrantedRoles(actor, target, inherited)
}

export async function revokeGrant(store: Store, key: GrantKey): Promise<void> {
  await store.assignment.getRole(key.roleId)
  if (!(await store.assignment.hasGrant(key))) {
    throw assignmentNotFound(key.roleId, key.actor.id, key.target.id)
  }
  await assertTarget(store, key.target)
  await store.assignment.revokeGrant(key)
}

export async function createSystemGrant(store: Store, actor: Actor, roleId: string) {
  const role = await store.assignment.getRole(roleId)
  if (role.domainId !== null) {
    throw new ValidationError(
      `Role ${roleId} is a domain-specific role. Unable to use a domain-specific role in a ` +
        'system assignment.',
    )
  }
  await store.assignment.grantSystem(actor, roleId)
}

export async function checkSystemGrant(store: Store, actor: Actor, roleId: string) {
  if (!(await store.assignment.hasSystemGrant(actor, roleId))) {
    throw assignmentNotFound(roleId, actor.id, 'system')
  }
}
