/**
 * Roles and role implications (keystone/assignment/core.py RoleManager,
 * keystone/assignment/role_backends/sql.py): immutable roles refuse updates and deletes, a
 * role's domain never changes, `[assignment] prohibited_implied_role` (default `admin`) and
 * domain-specific roles cannot be implied by global ones, and deleting a role also drops the
 * application credentials of users who held it directly on a project.
 * @module
 */

import { pyStr } from '@baton/config'
import { Conflict, Forbidden, NotFound, ValidationError } from '../../errors.ts'
import type { Role, Store } from '../../store/index.ts'
import { truthy } from '../py_values.ts'
import { checkLength, createOptions, extrasOf, mergeOptions, newId } from './entities.ts'
import { checkImmutableDelete, checkImmutableUpdate } from './hierarchy.ts'

const ROLE_ATTRIBUTES = ['id', 'name', 'domain_id', 'description', 'options']

/** RoleTable's columns: description and domain_id are String(255) and String(64). */
function checkRoleLengths(body: Record<string, unknown>): void {
  checkLength(body.description, 'description', 255)
  checkLength(body.domain_id, 'domain_id', 64)
}

/** POST /v3/roles; `body` is normalized. */
export async function createRole(store: Store, body: Record<string, unknown>): Promise<Role> {
  checkRoleLengths(body)
  const domainId =
    body.domain_id === undefined || body.domain_id === null ? null : pyStr(body.domain_id)
  return store.assignment.createRole({
    id: newId(),
    name: String(body.name),
    domainId,
    description: typeof body.description === 'string' ? body.description : null,
    options: createOptions(body.options),
    extra: extrasOf(body, ROLE_ATTRIBUTES),
  })
}

export async function updateRole(
  store: Store,
  id: string,
  patch: Record<string, unknown>,
): Promise<Role> {
  const original = await store.assignment.getRole(id)
  checkImmutableUpdate(original.options, patch, 'role', id)
  if (Object.hasOwn(patch, 'domain_id') && patch.domain_id !== original.domainId) {
    throw new ValidationError('Update of `domain_id` is not allowed.')
  }
  checkRoleLengths(patch)
  try {
    return await store.assignment.updateRole(id, {
      ...(typeof patch.name === 'string' ? { name: patch.name } : {}),
      ...(typeof patch.description === 'string' ? { description: patch.description } : {}),
      options: mergeOptions(original.options, patch.options),
      extra: { ...original.extra, ...extrasOf(patch, ROLE_ATTRIBUTES) },
    })
  } catch (error) {
    if (!(error instanceof Conflict)) throw error
    const where = truthy(patch.domain_id) ? ` at domain ID ${String(patch.domain_id)}` : ''
    throw new Conflict(
      `Conflict occurred attempting to store role - Duplicate entry found with name ` +
        `${String(patch.name)}${where}.`,
    )
  }
}

export async function deleteRole(store: Store, id: string): Promise<void> {
  const role = await store.assignment.getRole(id)
  checkImmutableDelete(role.options, 'role', id)
  // _send_app_cred_notification_for_role_removal: direct user grants on projects
  const assignments = await store.assignment.listRoleAssignments({ roleId: id })
  for (const a of assignments) {
    if (a.actor.type === 'user' && a.scope.type === 'project') {
      await store.applicationCredentials.deleteForUserOnProject(a.actor.id, a.scope.id)
    }
  }
  await store.assignment.deleteRole(id)
}

/** keystone exception.InvalidImpliedRole (a SecurityError: only its format is shown). */
function invalidImpliedRole(roleId: string): Forbidden {
  return new Forbidden(`${roleId} cannot be an implied roles.`)
}

export async function createImpliedRole(
  store: Store,
  priorId: string,
  impliedId: string,
  prohibited: readonly string[],
): Promise<void> {
  const implied = await store.assignment.getRole(impliedId)
  const prior = await store.assignment.getRole(priorId)
  if (prohibited.includes(implied.name)) throw invalidImpliedRole(impliedId)
  if (prior.domainId === null && implied.domainId !== null) throw invalidImpliedRole(impliedId)
  try {
    await store.assignment.addImpliedRole(priorId, impliedId)
  } catch (error) {
    if (!(error instanceof Conflict)) throw error
    throw new Conflict('Conflict occurred attempting to store implied_role - Duplicate entry.')
  }
}

/** keystone exception.ImpliedRoleNotFound */
function impliedRoleNotFound(priorId: string, impliedId: string): NotFound {
  return new NotFound(`${priorId} does not imply ${impliedId}.`)
}

export async function checkImpliedRole(store: Store, priorId: string, impliedId: string) {
  if (!(await store.assignment.hasImpliedRole(priorId, impliedId))) {
    throw impliedRoleNotFound(priorId, impliedId)
  }
}

export async function deleteImpliedRole(store: Store, priorId: string, impliedId: string) {
  await checkImpliedRole(store, priorId, impliedId)
  await store.assignment.removeImpliedRole(priorId, impliedId)
}
