/**
 * `GET /v3/role_assignments` semantics (keystone/assignment/core.py list_role_assignments and
 * its helpers), kept in Keystone's dict form so the expansion rules read the same: direct mode
 * lists stored assignments (system ones only when no project or domain is asked for); effective
 * mode expands group memberships into per-user rows, OS-INHERIT assignments into the projects
 * below their target, adds implied roles (with `indirect.role_id`), and drops domain-specific
 * roles. Effective mode, as in Keystone, never lists system assignments.
 * @module
 */
import type { Actor, AssignmentScope, Project, Store } from '../../store/index.ts'
import { projectParents, projectSubtree } from './hierarchy.ts'

export type Indirect = {
  group_id?: string
  project_id?: string
  domain_id?: string
  role_id?: string
}

/** One assignment as Keystone's manager passes it around. */
export type AssignmentRef = {
  role_id: string
  user_id?: string
  group_id?: string
  project_id?: string
  domain_id?: string
  system?: { all: true }
  inherited_to_projects?: 'projects'
  indirect?: Indirect
}

export type AssignmentQuery = {
  readonly roleId?: string | undefined
  readonly userId?: string | undefined
  readonly groupId?: string | undefined
  readonly system?: boolean | undefined
  readonly domainId?: string | undefined
  readonly projectId?: string | undefined
  readonly includeSubtree?: boolean | undefined
  /** undefined: both inherited and direct. */
  readonly inherited?: boolean | undefined
  readonly effective?: boolean | undefined
}

type DriverQuery = {
  readonly roleId?: string | undefined
  readonly userId?: string | undefined
  readonly groupIds?: readonly string[] | undefined
  readonly domainId?: string | undefined
  readonly projectIds?: readonly string[] | undefined
  readonly inherited?: boolean | undefined
}

/** The SQL driver's list_role_assignments over project and domain assignments. */
async function driverList(store: Store, q: DriverQuery): Promise<AssignmentRef[]> {
  const actors: (Actor | undefined)[] = q.groupIds?.length
    ? q.groupIds.map((id) => ({ type: 'group', id }))
    : q.userId
      ? [{ type: 'user', id: q.userId }]
      : [undefined]
  const scopes: (AssignmentScope | undefined)[] = q.projectIds?.length
    ? q.projectIds.map((id) => ({ type: 'project', id }))
    : q.domainId
      ? [{ type: 'domain', id: q.domainId }]
      : [undefined]
  const refs: AssignmentRef[] = []
  for (const actor of actors) {
    for (const scope of scopes) {
      const rows = await store.assignment.listRoleAssignments({
        ...(actor ? { actor } : {}),
        ...(scope ? { scope } : {}),
        ...(q.roleId ? { roleId: q.roleId } : {}),
        ...(q.inherited === undefined ? {} : { inherited: q.inherited }),
      })
      for (const row of rows) {
        if (row.scope.type === 'system') continue
        const ref: AssignmentRef = { role_id: row.roleId }
        if (row.actor.type === 'user') ref.user_id = row.actor.id
        else ref.group_id = row.actor.id
        if (row.scope.type === 'project') ref.project_id = row.scope.id
        else ref.domain_id = row.scope.id
        if (row.inherited) ref.inherited_to_projects = 'projects'
        refs.push(ref)
      }
    }
  }
  return refs
}

export async function listRoleAssignments(
  store: Store,
  q: AssignmentQuery,
): Promise<AssignmentRef[]> {
  const subtreeIds =
    q.projectId && q.includeSubtree
      ? (await projectSubtree(store, q.projectId)).map((p) => p.id)
      : undefined
  return q.effective ? listEffective(store, q, subtreeIds) : listDirect(store, q, subtreeIds)
}

async function listDirect(store: Store, q: AssignmentQuery, subtreeIds?: string[]) {
  const interest = q.projectId ? [...(subtreeIds ?? []), q.projectId] : undefined
  const refs: AssignmentRef[] = []
  if (!q.system) {
    refs.push(
      ...(await driverList(store, {
        roleId: q.roleId,
        userId: q.userId,
        groupIds: q.groupId ? [q.groupId] : undefined,
        domainId: q.domainId,
        projectIds: interest,
        inherited: q.inherited,
      })),
    )
  }
  if (q.system || (!q.projectId && !q.domainId)) {
    const actor: Actor | undefined = q.userId
      ? { type: 'user', id: q.userId }
      : q.groupId
        ? { type: 'group', id: q.groupId }
        : undefined
    const rows = await store.assignment.listRoleAssignments({
      scope: { type: 'system' },
      ...(actor ? { actor } : {}),
    })
    for (const row of rows) {
      if (q.roleId && row.roleId !== q.roleId) continue
      const who = row.actor.type === 'user' ? { user_id: row.actor.id } : { group_id: row.actor.id }
      refs.push({ system: { all: true }, ...who, role_id: row.roleId })
    }
  }
  return refs
}

async function listEffective(
  store: Store,
  q: AssignmentQuery,
  subtreeIds?: string[],
): Promise<AssignmentRef[]> {
  if (q.groupId || (q.domainId && q.inherited)) return []
  const inherited = q.domainId ? false : q.inherited
  const scope = { projectId: q.projectId, subtreeIds, domainId: q.domainId, inherited }
  const direct = await forActor(store, { ...scope, userId: q.userId })
  let fromGroups: AssignmentRef[] = []
  if (q.userId) {
    // `_get_group_ids_for_user_id`: an unknown user is a 404 here
    await store.identity.getUser(q.userId)
    const groupIds = (await store.identity.listGroups({ userId: q.userId })).map((g) => g.id)
    if (groupIds.length > 0) fromGroups = await forActor(store, { ...scope, groupIds })
  }
  let refs: AssignmentRef[] = []
  for (const ref of [...direct, ...fromGroups]) {
    refs.push(...(await expand(store, ref, q.userId, q.projectId, subtreeIds)))
  }
  refs = await addImpliedRoles(store, refs)
  const globalRoles = new Set(
    (await store.assignment.listRoles({ domainId: null })).map((r) => r.id),
  )
  refs = refs.filter((r) => globalRoles.has(r.role_id))
  return q.roleId ? refs.filter((r) => r.role_id === q.roleId) : refs
}

type ActorQuery = {
  readonly userId?: string | undefined
  readonly groupIds?: readonly string[]
  readonly projectId?: string | undefined
  readonly subtreeIds?: string[] | undefined
  readonly domainId?: string | undefined
  readonly inherited?: boolean | undefined
}

/** `list_role_assignments_for_actor`: everything that could affect the target. */
async function forActor(store: Store, q: ActorQuery): Promise<AssignmentRef[]> {
  const actor = { userId: q.userId, groupIds: q.groupIds }
  const interest = q.projectId ? [...(q.subtreeIds ?? []), q.projectId] : undefined
  const refs: AssignmentRef[] = []
  if (q.inherited !== true) {
    refs.push(
      ...(await driverList(store, {
        ...actor,
        domainId: q.domainId,
        projectIds: interest,
        inherited: false,
      })),
    )
  }
  if (q.inherited !== false) {
    if (q.projectId) {
      const domainId = (await store.resource.getProject(q.projectId)).domainId ?? undefined
      refs.push(...(await driverList(store, { ...actor, domainId, inherited: true })))
      const sources = (await projectParents(store, q.projectId)).map((p) => p.id)
      if (q.subtreeIds?.length) sources.push(...(interest ?? []))
      if (sources.length > 0) {
        refs.push(...(await driverList(store, { ...actor, projectIds: sources, inherited: true })))
      }
    } else {
      refs.push(...(await driverList(store, { ...actor, inherited: true })))
    }
  }
  return refs
}

/** `_expand_indirect_assignment`: groups into members, inherited grants into projects. */
async function expand(
  store: Store,
  ref: AssignmentRef,
  userId: string | undefined,
  projectId: string | undefined,
  subtreeIds: string[] | undefined,
): Promise<AssignmentRef[]> {
  const members = async (r: AssignmentRef): Promise<AssignmentRef[]> => {
    const groupId = r.group_id
    if (groupId === undefined) return [r]
    const ids = userId ? [userId] : (await store.identity.listUsers({ groupId })).map((u) => u.id)
    return ids.map((id) => {
      const { group_id: _, ...rest } = structuredClone(r)
      return { ...rest, user_id: id, indirect: { ...rest.indirect, group_id: groupId } }
    })
  }
  if (ref.inherited_to_projects !== 'projects') return members(ref)
  let projectIds: string[]
  if (projectId) {
    projectIds = [projectId]
    if (subtreeIds?.length) {
      projectIds.push(...subtreeIds)
      if (ref.project_id && projectIds.includes(ref.project_id)) {
        projectIds = (await projectSubtree(store, ref.project_id)).map((p) => p.id)
      }
    }
  } else if (ref.domain_id) {
    const inDomain = await store.resource.listProjects({ domainId: ref.domain_id, isDomain: false })
    projectIds = inDomain.map((p) => p.id)
  } else {
    projectIds = (await projectSubtree(store, ref.project_id ?? '')).map((p) => p.id)
  }
  const out: AssignmentRef[] = []
  for (const base of await members(ref)) {
    for (const id of projectIds) {
      const { project_id, domain_id, inherited_to_projects: _, ...rest } = structuredClone(base)
      const source = project_id ? { project_id } : { domain_id: domain_id ?? '' }
      out.push({ ...rest, project_id: id, indirect: { ...rest.indirect, ...source } })
    }
  }
  return out
}

/** `add_implied_roles`, including its cycle guard (a copy already examined is skipped). */
async function addImpliedRoles(store: Store, refs: AssignmentRef[]): Promise<AssignmentRef[]> {
  const implies = new Map<string, string[]>()
  for (const rule of await store.assignment.listImpliedRoles()) {
    implies.set(rule.priorRoleId, [...(implies.get(rule.priorRoleId) ?? []), rule.impliedRoleId])
  }
  const results = [...refs]
  const toCheck = [...refs]
  const checked = new Set<string>()
  for (let next = toCheck.pop(); next !== undefined; next = toCheck.pop()) {
    checked.add(canonical(next))
    for (const impliedId of implies.get(next.role_id) ?? []) {
      const copy = structuredClone(next)
      copy.role_id = impliedId
      copy.indirect = { ...copy.indirect, role_id: next.role_id }
      if (checked.has(canonical(copy))) continue
      results.push(copy)
      toCheck.push(copy)
    }
  }
  return results
}

/** A key-order independent form, for Python's dict equality. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

/** `list_projects_for_user`: projects of the user's effective assignments. @throws UserNotFound */
export async function listProjectsForUser(store: Store, userId: string): Promise<Project[]> {
  const ids = [...(await listProjectIdsForUser(store, userId))].sort()
  const projects: Project[] = []
  for (const id of ids) projects.push(await store.resource.getProject(id))
  return projects
}

export async function listProjectIdsForUser(store: Store, userId: string): Promise<Set<string>> {
  const refs = await listRoleAssignments(store, { userId, effective: true })
  return new Set(refs.flatMap((r) => (r.project_id ? [r.project_id] : [])))
}
