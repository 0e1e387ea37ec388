/**
 * /v3/projects (keystone/api/projects.py ProjectResource): list with Keystone's filters (the
 * `is_domain=false` default and the four tag filters), create, get with the hierarchy views,
 * update, delete. Tags are in project_tags.ts, grants in grants.ts.
 * @module
 */
import type { FastifyRequest } from 'fastify'
import type { Caller } from '../../core/caller.ts'
import { deleteProject } from '../../core/resources/deletions.ts'
import { normalizeDict, renderProject } from '../../core/resources/entities.ts'
import { projectParents, projectSubtree } from '../../core/resources/hierarchy.ts'
import { limitModel } from '../../core/resources/limit_models.ts'
import { createProject, updateProject } from '../../core/resources/projects.ts'
import {
  attrAsBoolean,
  buildHints,
  exactValues,
  firstArg,
  hasArg,
  matchesFilters,
  type QueryArgs,
  queryFlag,
} from '../../core/resources/query_filters.ts'
import { listProjectIdsForUser } from '../../core/resources/role_assignments.ts'
import { validate } from '../../core/resources/schema_validator.ts'
import { projectCreate, projectUpdate } from '../../core/resources/schemas.ts'
import { projectIdsByTags } from '../../core/resources/tag_filters.ts'
import { ValidationError } from '../../errors.ts'
import { identityOptions, projectTreeOptions, unifiedLimitOptions } from '../../options.ts'
import { scopeDomainId } from '../../scope.ts'
import type { Project } from '../../store/index.ts'
import type { ApiContext } from '../context.ts'
import { created, noContent, ok, type Router } from '../router.ts'
import { wrapLimitedCollection } from './list_limit.ts'
import { authorize, bodyMember, orNothing, param, queryArgs, wrapMember } from './route_kit.ts'

const FILTERS = ['domain_id', 'enabled', 'name', 'parent_id', 'is_domain']

/** `_build_project_target_enforcement`: the project if it exists, else nothing. */
export async function projectTarget(ctx: ApiContext, id: string) {
  const project = await orNothing(() => ctx.store.resource.getProject(id))
  return { target: project === undefined ? {} : { project: renderProject(project) } }
}

export function registerProjectRoutes(router: Router, ctx: ApiContext): void {
  const member = (req: FastifyRequest, project: Record<string, unknown>) =>
    wrapMember(ctx, req, 'project', 'projects', project)
  const target = (req: FastifyRequest) => () => projectTarget(ctx, param(req, 'project_id'))

  router.route('GET', '/v3/projects', async (req) => {
    const args = queryArgs(req)
    const filters = buildHints(args, FILTERS)
    const caller = await authorize(ctx, req, 'identity:list_projects', async (c) => {
      const callerDomainId = scopeDomainId(c.scope)
      return callerDomainId === null
        ? { filters }
        : { filters, target: { domain_id: callerDomainId } }
    })
    if (!hasArg(args, 'is_domain')) {
      filters.push({ name: 'is_domain', value: '0', comparator: 'equals', caseSensitive: true })
    }
    const domainId = exactValues(filters, 'domain_id')[0]
    const isDomain = exactValues(filters, 'is_domain')[0]
    let projects = await ctx.store.resource.listProjects({
      ...(domainId === undefined ? {} : { domainId }),
      ...(isDomain === undefined ? {} : { isDomain: attrAsBoolean(isDomain) }),
    })
    const tagged = await projectIdsByTags(ctx.store, tagFilters(args))
    if (tagged !== undefined) projects = projects.filter((p) => tagged.has(p.id))
    const callerDomainId = scopeDomainId(caller.scope)
    if (callerDomainId !== null) {
      projects = projects.filter((p) => p.domainId === callerDomainId)
    }
    const refs = projects.map(renderProject).filter((p) => matchesFilters(p, filters))
    return ok(wrapLimitedCollection(ctx, req, 'resource', 'projects', refs))
  })

  router.route('POST', '/v3/projects', async (req) => {
    const body = bodyMember(req, 'project')
    const caller = await authorize(ctx, req, 'identity:create_project', {
      target: { project: body },
    })
    validate(projectCreate, body)
    const defaults = {
      callerDomainId: scopeDomainId(caller.scope) ?? undefined,
      defaultDomainId: ctx.config.get(identityOptions).default_domain_id,
      maxDepth: maxProjectTreeDepth(ctx),
    }
    const project = await ctx.store.transaction((store) =>
      createProject(store, normalizeDict(body as Record<string, unknown>), defaults),
    )
    return created(member(req, renderProject(project)))
  })

  router.route('GET', '/v3/projects/:project_id', async (req) => {
    const caller = await authorize(ctx, req, 'identity:get_project', target(req))
    const project = await ctx.store.resource.getProject(param(req, 'project_id'))
    const ref = await expandProject(ctx, req, caller, project)
    return ok(member(req, ref))
  })

  router.route('PATCH', '/v3/projects/:project_id', async (req) => {
    await authorize(ctx, req, 'identity:update_project', target(req))
    const body = bodyMember(req, 'project')
    validate(projectUpdate, body)
    const patch = normalizeDict(body as Record<string, unknown>)
    const id = param(req, 'project_id')
    if (patch.id !== undefined && patch.id !== null && patch.id !== id) {
      throw new ValidationError('Cannot change ID')
    }
    const { project, extra } = await ctx.store.transaction((store) =>
      updateProject(store, id, patch),
    )
    // the driver answers with to_dict(include_extra_dict=True): `extra` is rendered too
    return ok(member(req, { ...renderProject(project), extra }))
  })

  router.route('DELETE', '/v3/projects/:project_id', async (req) => {
    await authorize(ctx, req, 'identity:delete_project', target(req))
    await ctx.store.transaction((store) => deleteProject(store, param(req, 'project_id')))
    return noContent()
  })
}

/** The first value of each tag filter present (flask `request.args[t]`). */
function tagFilters(args: QueryArgs) {
  const pick = (name: string) => firstArg(args, name)
  return {
    tags: pick('tags'),
    tagsAny: pick('tags-any'),
    notTags: pick('not-tags'),
    notTagsAny: pick('not-tags-any'),
  }
}

/** `_expand_project_ref`: ?parents_as_list|parents_as_ids|subtree_as_list|subtree_as_ids. */
async function expandProject(
  ctx: ApiContext,
  req: FastifyRequest,
  caller: Caller,
  project: Project,
): Promise<Record<string, unknown>> {
  const args = queryArgs(req)
  const flag = (name: string) => queryFlag(args, name)
  const ref = renderProject(project)
  if (flag('parents_as_list') && flag('parents_as_ids')) {
    throw new ValidationError(
      'Cannot use parents_as_list and parents_as_ids query params at the same time.',
    )
  }
  if (flag('subtree_as_list') && flag('subtree_as_ids')) {
    throw new ValidationError(
      'Cannot use subtree_as_list and subtree_as_ids query params at the same time.',
    )
  }
  const visible = async (list: Project[]) => {
    // filtered to the projects the caller's user has a role on (`_filter_projects_list`)
    const mine = await listProjectIdsForUser(ctx.store, caller.userId)
    return list
      .filter((p) => mine.has(p.id))
      .map((p) => {
        const entity = renderProject(p)
        if (flag('include_limits')) entity.limits = [] // Baton has no unified limits
        return wrapMember(ctx, req, 'project', 'projects', entity)
      })
  }
  if (flag('parents_as_list')) {
    ref.parents = await visible(await projectParents(ctx.store, project.id))
  } else if (flag('parents_as_ids')) {
    ref.parents = parentsAsIds(project, await projectParents(ctx.store, project.id))
  }
  if (flag('subtree_as_list')) {
    ref.subtree = await visible(await projectSubtree(ctx.store, project.id))
  } else if (flag('subtree_as_ids')) {
    ref.subtree = subtreeAsIds(project.id, await projectSubtree(ctx.store, project.id))
  }
  return ref
}

type IdTree = { [id: string]: IdTree | null }

/** `_build_parents_as_ids_dict`: {parent: {grandparent: {domain: null}}}, or null at the top. */
function parentsAsIds(project: Project, parents: Project[]): IdTree | null {
  const byId = new Map(parents.map((p) => [p.id, p]))
  const walk = (p: Project | undefined): IdTree | null => {
    if (p === undefined || p.parentId === null) return null
    return { [p.parentId]: walk(byId.get(p.parentId)) }
  }
  return walk(project)
}

/** `_build_subtree_as_ids_dict`: {child: {grandchild: null}}, or null for a leaf. */
function subtreeAsIds(rootId: string, subtree: Project[]): IdTree | null {
  const children = new Map<string, Project[]>()
  for (const p of subtree) {
    if (p.parentId === null) continue
    children.set(p.parentId, [...(children.get(p.parentId) ?? []), p])
  }
  const walk = (id: string): IdTree | null => {
    const kids = children.get(id)
    if (!kids || kids.length === 0) return null
    return Object.fromEntries(kids.map((k) => [k.id, walk(k.id)]))
  }
  return walk(rootId)
}

/** `[DEFAULT] max_project_tree_depth`, capped by the limit enforcement model's own bound. */
function maxProjectTreeDepth(ctx: ApiContext): number {
  const configured = ctx.config.get(projectTreeOptions).max_project_tree_depth
  const model = limitModel(ctx.config.get(unifiedLimitOptions).enforcement_model)
  return model.maxProjectTreeDepth === null
    ? configured
    : Math.min(configured, model.maxProjectTreeDepth)
}
