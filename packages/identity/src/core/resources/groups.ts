/**
 * Groups and membership (keystone/identity/core.py, keystone/identity/backends/sql.py): group
 * names are String(64) columns (longer ones are Keystone's StringLengthExceeded 400 although the
 * schema allows 255), removing a member revokes the member's tokens, and deleting a group that
 * had role assignments revokes every member's.
 * @module
 */

import { Conflict, NotFound, ValidationError } from '../../errors.ts'
import type { Group, Store } from '../../store/index.ts'
import { truthy } from '../py_values.ts'
import { checkLength, extrasOf, newId, strip } from './entities.ts'
import { revokeUser } from './revocation.ts'

const GROUP_ATTRIBUTES = ['id', 'name', 'domain_id', 'description']

/** POST /v3/groups; `body` is normalized and has its domain_id. */
export async function createGroup(store: Store, body: Record<string, unknown>): Promise<Group> {
  const domainId = String(body.domain_id)
  await store.resource.getDomain(domainId)
  const name = strip(String(body.name))
  checkLength(name, 'name', 64)
  return store.identity.createGroup({
    id: newId(),
    name,
    domainId,
    description: Object.hasOwn(body, 'description') ? (body.description as string | null) : '',
    extra: extrasOf(body, GROUP_ATTRIBUTES),
  })
}

export async function updateGroup(
  store: Store,
  id: string,
  patch: Record<string, unknown>,
): Promise<Group> {
  const old = await store.identity.getGroup(id)
  if (Object.hasOwn(patch, 'domain_id') && patch.domain_id !== old.domainId) {
    throw new ValidationError('Cannot change Domain ID')
  }
  const name = typeof patch.name === 'string' ? strip(patch.name) : undefined
  checkLength(name, 'name', 64)
  try {
    return await store.identity.updateGroup(id, {
      ...(name === undefined ? {} : { name }),
      ...(Object.hasOwn(patch, 'description')
        ? { description: patch.description as string | null }
        : {}),
      extra: { ...old.extra, ...extrasOf(patch, GROUP_ATTRIBUTES) },
    })
  } catch (error) {
    if (!(error instanceof Conflict)) throw error
    // Keystone's update_group has no conflict handler (a 500); Baton answers 409
    const where = truthy(patch.domain_id) ? ` at domain ID ${String(patch.domain_id)}` : ''
    throw new Conflict(
      `Conflict occurred attempting to store group - Duplicate entry found with name ${name}${where}.`,
    )
  }
}

export async function deleteGroup(store: Store, id: string): Promise<void> {
  await store.identity.getGroup(id)
  const assignments = await store.assignment.listRoleAssignments({ actor: { type: 'group', id } })
  const members = await store.identity.listUsers({ groupId: id })
  await store.identity.deleteGroup(id)
  if (assignments.length > 0) for (const member of members) await revokeUser(store, member.id)
}

/** The driver looks the group up first, then the user (so an unknown group wins). */
async function assertBoth(store: Store, userId: string, groupId: string): Promise<void> {
  await store.identity.getGroup(groupId)
  await store.identity.getUser(userId)
}

function notMember(userId: string, groupId: string): NotFound {
  return new NotFound(`User '${userId}' not found in group '${groupId}'`)
}

export async function addUserToGroup(store: Store, userId: string, groupId: string) {
  await assertBoth(store, userId, groupId)
  await store.identity.addUserToGroup(userId, groupId)
}

export async function checkUserInGroup(store: Store, userId: string, groupId: string) {
  await assertBoth(store, userId, groupId)
  if (!(await store.identity.isUserInGroup(userId, groupId))) throw notMember(userId, groupId)
}

export async function removeUserFromGroup(store: Store, userId: string, groupId: string) {
  if (!(await store.identity.isUserInGroup(userId, groupId))) {
    await assertBoth(store, userId, groupId)
    throw notMember(userId, groupId)
  }
  await store.identity.removeUserFromGroup(userId, groupId)
  await revokeUser(store, userId)
}
