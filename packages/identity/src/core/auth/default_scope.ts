/**
 * keystone/api/_shared/authentication.py `_check_and_set_default_scoping`: a request without a
 * scope is scoped to the user's default project when that project and its domain exist and are
 * enabled and the user holds a role there; otherwise the token is unscoped. `"scope": "unscoped"`
 * skips this.
 * @module
 */
import { DomainNotFound, ProjectNotFound } from '../../errors.ts'
import { type Scope, UNSCOPED } from '../../scope.ts'
import type { Store, User } from '../../store/index.ts'

export async function defaultScope(store: Store, user: User): Promise<Scope> {
  const unscoped = UNSCOPED
  const projectId = user.defaultProjectId
  if (!projectId) return unscoped
  try {
    const project = await store.resource.getProject(projectId)
    if (project.domainId === null) return unscoped
    const domain = await store.resource.getDomain(project.domainId)
    if (!project.enabled || !domain.enabled) return unscoped
  } catch (error) {
    if (error instanceof ProjectNotFound || error instanceof DomainNotFound) return unscoped
    throw error
  }
  const scope: Scope = { kind: 'project', projectId }
  const roles = await store.effectiveRoles.rolesFor(user.id, scope)
  return roles.length > 0 ? scope : unscoped
}
