/**
 * Project and domain deletion with everything Keystone does around it (ResourceManager
 * delete_project / _delete_domain, IdentityManager._domain_deleted and _unset_default_project,
 * RevokeManager and trust-manager callbacks): the checks first, then the store's cascade and the revocation
 * events, all on the transaction-bound store the caller passes in.
 * @module
 */
import { Forbidden } from '../../errors.ts'
import type { Store } from '../../store/index.ts'
import { checkImmutableDelete, isLeafProject } from './hierarchy.ts'
import { revokeProject, revokeUser } from './revocation.ts'
import { deleteTrustsForProject, deleteTrustsForUser } from './trust_chain.ts'

/** DELETE /v3/projects/{id}; a project acting as a domain is deleted as the domain. */
export async function deleteProject(store: Store, id: string): Promise<void> {
  const project = await store.resource.getProject(id)
  if (project.isDomain) return deleteDomain(store, id)
  checkImmutableDelete(project.options, 'project', id)
  if (!(await isLeafProject(store, id))) {
    throw new Forbidden(
      `Cannot delete the project ${id} since it is not a leaf in the hierarchy. Use the ` +
        'cascade option if you want to delete a whole subtree.',
    )
  }
  await store.resource.deleteProject(id)
  await unsetDefaultProject(store, new Set([id]))
  await revokeProject(store, id)
  await deleteTrustsForProject(store, id)
}

/** DELETE /v3/domains/{id}: only a disabled domain, with its projects, groups and users. */
export async function deleteDomain(store: Store, id: string): Promise<void> {
  const domain = await store.resource.getDomain(id)
  checkImmutableDelete(domain.options, 'domain', id)
  if (domain.enabled) {
    throw new Forbidden('Cannot delete a domain that is enabled, please disable it first.')
  }
  const projects = await store.resource.listProjects({ domainId: id, isDomain: false })
  // Keystone deletes them one by one and stops at the first immutable one; here nothing goes.
  for (const project of projects) checkImmutableDelete(project.options, 'project', project.id)

  const groups = await store.identity.listGroups({ domainId: id })
  const users = await store.identity.listUsers({ domainId: id })
  const revokedUsers: string[] = []
  for (const group of groups) {
    const assignments = await store.assignment.listRoleAssignments({
      actor: { type: 'group', id: group.id },
    })
    if (assignments.length === 0) continue
    for (const member of await store.identity.listUsers({ groupId: group.id })) {
      revokedUsers.push(member.id)
    }
  }
  for (const user of users) revokedUsers.push(user.id)

  await store.resource.deleteDomain(id)
  await unsetDefaultProject(store, new Set([...projects.map((p) => p.id), id]))
  for (const project of projects) await revokeProject(store, project.id)
  for (const userId of revokedUsers) await revokeUser(store, userId)
  for (const project of projects) await deleteTrustsForProject(store, project.id)
  for (const user of users) await deleteTrustsForUser(store, user.id)
  // the domain's own project form goes last (`_delete_project(domain)`)
  await revokeProject(store, id)
}

/**
 * `unset_default_project_id`: users whose default project was deleted lose it. The store has no
 * "users by default project" query, so this scans the users.
 */
async function unsetDefaultProject(store: Store, projectIds: ReadonlySet<string>): Promise<void> {
  for (const user of await store.identity.listUsers()) {
    if (user.defaultProjectId !== null && projectIds.has(user.defaultProjectId)) {
      await store.identity.updateUser(user.id, { defaultProjectId: null })
    }
  }
}
