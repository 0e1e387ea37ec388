/**
 * `GET /v3/role_assignments` (keystone/api/role_assignments.py): the filter checks with
 * Keystone's messages, `include_subtree` (needs `scope.project.id`, own policy), `include_names`,
 * and `_format_entity`'s links: `assignment` points at the grant that produced the row (an
 * OS-INHERIT one for inherited rows), `membership` at the group membership, `prior_role` at the
 * implication — in Keystone's own (odd) `/prior_role/<implied>/implies/<prior>` form.
 * @module
 */
import type { FastifyRequest } from 'fastify'
import type { Caller } from '../../core/caller.ts'
import { renderProject } from '../../core/resources/entities.ts'
import {
  buildHints,
  firstArg,
  hasArg,
  type QueryArgs,
  queryFlag,
} from '../../core/resources/query_filters.ts'
import { type AssignmentRef, listRoleAssignments } from '../../core/resources/role_assignments.ts'
import { ValidationError } from '../../errors.ts'
import { scopeDomainId } from '../../scope.ts'
import type { ApiContext } from '../context.ts'
import { ok, type Router } from '../router.ts'
import { assignmentNames, type Names } from './role_assignment_names.ts'
import { authorize, baseUrl, queryArgs, wrapCollection } from './route_kit.ts'

const FILTERS = [
  'group.id',
  'role.id',
  'scope.domain.id',
  'scope.project.id',
  'scope.OS-INHERIT:inherited_to',
  'user.id',
]

export function registerRoleAssignmentRoutes(router: Router, ctx: ApiContext): void {
  router.route('GET', '/v3/role_assignments', async (req) => {
    const args = queryArgs(req)
    let caller: Caller
    const subtree = queryFlag(args, 'include_subtree')
    if (subtree) {
      const projectId = firstArg(args, 'scope.project.id')
      caller = await authorize(ctx, req, 'identity:list_role_assignments_for_tree', async () => {
        const project = projectId ? await ctx.store.resource.getProject(projectId) : undefined
        return {
          filters: buildHints(args, FILTERS),
          ...(project === undefined ? {} : { target: { project: renderProject(project) } }),
        }
      })
      if (!projectId) {
        throw new ValidationError(
          'scope.project.id must be specified if include_subtree is also specified',
        )
      }
    } else {
      caller = await authorize(ctx, req, 'identity:list_role_assignments', async (c) => {
        const callerDomainId = scopeDomainId(c.scope)
        return {
          filters: buildHints(args, [...FILTERS, 'scope.system']),
          ...(callerDomainId === null ? {} : { target: { domain_id: callerDomainId } }),
        }
      })
    }
    let refs = await assignments(ctx, args, subtree)
    const callerDomainId = scopeDomainId(caller.scope)
    if (!subtree && callerDomainId !== null) refs = await inDomain(ctx, refs, callerDomainId)
    const names = queryFlag(args, 'include_names')
      ? await assignmentNames(ctx.store, refs)
      : undefined
    const entities = refs.map((ref) => format(ctx, req, ref, names))
    return ok(wrapCollection(ctx, req, 'role_assignments', null, entities))
  })
}

/** `_build_role_assignments_list` with its argument checks. */
async function assignments(ctx: ApiContext, args: QueryArgs, includeSubtree: boolean) {
  const get = (name: string) => firstArg(args, name) || undefined
  const both = (a: string, b: string, message: string) => {
    if (get(a) && get(b)) throw new ValidationError(message)
  }
  both('scope.domain.id', 'scope.project.id', 'Specify a domain or project, not both')
  both('scope.domain.id', 'scope.system', 'Specify system or domain, not both')
  both('scope.project.id', 'scope.system', 'Specify system or project, not both')
  both('user.id', 'group.id', 'Specify a user or group, not both')
  const effective = queryFlag(args, 'effective')
  const inherited = hasArg(args, 'scope.OS-INHERIT:inherited_to')
    ? firstArg(args, 'scope.OS-INHERIT:inherited_to') === 'projects'
    : undefined
  if (effective && get('group.id')) {
    throw new ValidationError(
      'Combining effective and group filter will always result in an empty list.',
    )
  }
  if (effective && inherited && get('scope.domain.id')) {
    throw new ValidationError(
      'Combining effective, domain and inherited filters will always result in an empty list.',
    )
  }
  return listRoleAssignments(ctx.store, {
    roleId: get('role.id'),
    userId: get('user.id'),
    groupId: get('group.id'),
    system: get('scope.system') === 'all',
    domainId: get('scope.domain.id'),
    projectId: get('scope.project.id'),
    includeSubtree,
    inherited,
    effective,
  })
}

/** A domain-scoped caller only sees assignments on its domain and on projects in it. */
async function inDomain(ctx: ApiContext, refs: AssignmentRef[], domainId: string) {
  const out: AssignmentRef[] = []
  for (const ref of refs) {
    if (ref.domain_id === domainId) out.push(ref)
    else if (ref.project_id) {
      const project = await ctx.store.resource.getProject(ref.project_id)
      if (project.domainId === domainId) out.push(ref)
    }
  }
  return out
}

/** `_format_entity`. */
function format(
  ctx: ApiContext,
  req: FastifyRequest,
  ref: AssignmentRef,
  names: Names | undefined,
): Record<string, unknown> {
  const links: Record<string, string> = {}
  const entity: Record<string, unknown> = { links }
  let link = ''
  let inherited = ref.inherited_to_projects !== undefined
  const scope: Record<string, unknown> = {}
  if (ref.project_id !== undefined) {
    scope.project = { id: ref.project_id, ...names?.project(ref.project_id) }
    if (ref.indirect?.domain_id !== undefined) {
      inherited = true
      link = `/domains/${ref.indirect.domain_id}`
    } else if (ref.indirect?.project_id !== undefined) {
      inherited = true
      link = `/projects/${ref.indirect.project_id}`
    } else {
      link = `/projects/${ref.project_id}`
    }
  } else if (ref.domain_id !== undefined) {
    scope.domain = { id: ref.domain_id, ...names?.domain(ref.domain_id) }
    link = `/domains/${ref.domain_id}`
  } else if (ref.system !== undefined) {
    scope.system = ref.system
    link = '/system'
  }
  entity.scope = scope
  if (ref.user_id !== undefined) {
    entity.user = { id: ref.user_id, ...names?.user(ref.user_id) }
    const viaGroup = ref.indirect?.group_id
    if (viaGroup !== undefined) {
      links.membership = baseUrl(ctx, req, `/groups/${viaGroup}/users/${ref.user_id}`)
      link += `/groups/${viaGroup}`
    } else {
      link += `/users/${ref.user_id}`
    }
  } else if (ref.group_id !== undefined) {
    entity.group = { id: ref.group_id, ...names?.group(ref.group_id) }
    link += `/groups/${ref.group_id}`
  }
  entity.role = { id: ref.role_id, ...names?.role(ref.role_id) }
  const prior = ref.indirect?.role_id
  link += `/roles/${prior ?? ref.role_id}`
  if (inherited) {
    scope['OS-INHERIT:inherited_to'] = 'projects'
    link = `/OS-INHERIT${link}/inherited_to_projects`
  }
  links.assignment = baseUrl(ctx, req, link)
  if (prior !== undefined) {
    links.prior_role = baseUrl(ctx, req, `/prior_role/${ref.role_id}/implies/${prior}`)
  }
  return entity
}
