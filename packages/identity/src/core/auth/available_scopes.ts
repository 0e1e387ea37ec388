/**
 * What `GET /v3/auth/projects`, `/v3/auth/domains` and `/v3/auth/system` list for a user
 * (keystone/api/auth.py with assignment `list_projects_for_user` / `list_domains_for_user` /
 * `list_system_grants_for_user`): the projects and domains on which the user has an effective
 * role (directly, through a group, or inherited from a domain or parent project), and whether
 * the user holds a system role *directly*: Keystone looks at group system grants only for
 * federated tokens, so a system role held through a group does not show here.
 * @module
 */
import type { Actor, Domain, Project, RoleAssignment, Store } from '../../store/index.ts'

/** Every project below `rootId` (not itself) among `projects`. */
function descendants(projects: readonly Project[], rootId: string): Project[] {
  const found: Project[] = []
  let frontier = [rootId]
  while (frontier.length > 0) {
    const children = projects.filter((p) => p.parentId !== null && frontier.includes(p.parentId))
    found.push(...children)
    frontier = children.map((p) => p.id)
  }
  return found
}

async function assignmentsOf(store: Store, userId: string): Promise<RoleAssignment[]> {
  const groups = await store.identity.listGroups({ userId })
  const actors: Actor[] = [
    { type: 'user', id: userId },
    ...groups.map((g) => ({ type: 'group' as const, id: g.id })),
  ]
  const lists = await Promise.all(
    actors.map((actor) => store.assignment.listRoleAssignments({ actor })),
  )
  return lists.flat()
}

export async function projectsForUser(store: Store, userId: string): Promise<Project[]> {
  const candidates = new Set<string>()
  const domainProjects = new Map<string, Project[]>()
  const inDomain = async (domainId: string) => {
    let projects = domainProjects.get(domainId)
    if (projects === undefined) {
      projects = await store.resource.listProjects({ domainId, isDomain: false })
      domainProjects.set(domainId, projects)
    }
    return projects
  }
  for (const a of await assignmentsOf(store, userId)) {
    if (a.scope.type === 'system') continue
    if (a.scope.type === 'project' && !a.inherited) candidates.add(a.scope.id)
    else if (a.scope.type === 'domain' && a.inherited) {
      for (const p of await inDomain(a.scope.id)) candidates.add(p.id)
    } else if (a.scope.type === 'project' && a.inherited) {
      const root = await store.resource.getProject(a.scope.id)
      if (root.domainId === null) continue
      for (const p of descendants(await inDomain(root.domainId), root.id)) candidates.add(p.id)
    }
  }
  // Effective roles also drop domain-specific roles that imply nothing: keep what has a role.
  const found: Project[] = []
  for (const id of [...candidates].sort()) {
    const roles = await store.effectiveRoles.rolesFor(userId, { kind: 'project', projectId: id })
    if (roles.length > 0) found.push(await store.resource.getProject(id))
  }
  return found
}

export async function domainsForUser(store: Store, userId: string): Promise<Domain[]> {
  const candidates = new Set<string>()
  for (const a of await assignmentsOf(store, userId)) {
    if (a.scope.type === 'domain' && !a.inherited) candidates.add(a.scope.id)
  }
  const found: Domain[] = []
  for (const id of [...candidates].sort()) {
    const roles = await store.effectiveRoles.rolesFor(userId, { kind: 'domain', domainId: id })
    if (roles.length > 0) found.push(await store.resource.getDomain(id))
  }
  return found
}

export async function hasDirectSystemRole(store: Store, userId: string): Promise<boolean> {
  const roles = await store.assignment.listSystemGrantedRoles({ type: 'user', id: userId })
  return roles.length > 0
}
