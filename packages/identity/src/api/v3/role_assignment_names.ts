/**
 * `include_names` for role assignments (AssignmentManager._get_names_from_role_assignments):
 * names of users, groups, projects, domains and roles, with their domains; a user or group that
 * vanished renders with empty names, as in Keystone. Lookups are cached for the one response.
 * @module
 */
import type { AssignmentRef } from '../../core/resources/role_assignments.ts'
import { NotFound } from '../../errors.ts'
import type { Store } from '../../store/index.ts'

type Named = { name: string; domain?: { id: string; name: string } }

export type Names = {
  user(id: string): Named
  group(id: string): Named
  project(id: string): Named
  domain(id: string): { name: string }
  role(id: string): Named
}

export async function assignmentNames(store: Store, refs: AssignmentRef[]): Promise<Names> {
  const domains = new Map<string, string>()
  const named = new Map<string, Named>()
  const domainName = async (id: string) => {
    if (!domains.has(id)) domains.set(id, (await store.resource.getDomain(id)).name)
    return domains.get(id) ?? ''
  }
  const owned = async (name: string, domainId: string): Promise<Named> => ({
    name,
    domain: { id: domainId, name: await domainName(domainId) },
  })
  const missing = (error: unknown): Named => {
    if (error instanceof NotFound) return { name: '', domain: { id: '', name: '' } }
    throw error
  }
  for (const ref of refs) {
    if (ref.user_id !== undefined && !named.has(`u:${ref.user_id}`)) {
      const user = await store.identity
        .getUser(ref.user_id)
        .then((u) => owned(u.name, u.domainId), missing)
      named.set(`u:${ref.user_id}`, user)
    }
    if (ref.group_id !== undefined && !named.has(`g:${ref.group_id}`)) {
      const group = await store.identity
        .getGroup(ref.group_id)
        .then((g) => owned(g.name, g.domainId), missing)
      named.set(`g:${ref.group_id}`, group)
    }
    if (ref.project_id !== undefined && !named.has(`p:${ref.project_id}`)) {
      const project = await store.resource.getProject(ref.project_id)
      named.set(`p:${ref.project_id}`, await owned(project.name, project.domainId ?? ''))
    }
    if (ref.domain_id !== undefined) await domainName(ref.domain_id)
    if (!named.has(`r:${ref.role_id}`)) {
      const role = await store.assignment.getRole(ref.role_id)
      named.set(
        `r:${ref.role_id}`,
        role.domainId === null ? { name: role.name } : await owned(role.name, role.domainId),
      )
    }
  }
  const get = (key: string): Named => named.get(key) ?? { name: '' }
  return {
    user: (id) => get(`u:${id}`),
    group: (id) => get(`g:${id}`),
    project: (id) => get(`p:${id}`),
    domain: (id) => ({ name: domains.get(id) ?? '' }),
    role: (id) => get(`r:${id}`),
  }
}
