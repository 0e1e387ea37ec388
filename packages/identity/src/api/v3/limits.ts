/**
 * /v3/registered_limits, /v3/limits and /v3/limits/model (keystone/api/{registered_limits,
 * limits}.py). Creates take lists and answer `wrap_collection` without `links`. Limits declare a
 * member lookup, so PATCH and DELETE of an unknown limit are 404s before policy; GET builds its
 * target (the limit with its project or domain) and answers policy first. A limit list shows
 * what the caller's scope owns: everything for a system token, the domain's and its projects'
 * limits for a domain token, the project's for a project token, nothing for an unscoped one.
 * @module
 */
import type { FastifyRequest } from 'fastify'
import type { Caller } from '../../core/caller.ts'
import { newId, normalizeDict, renderDomain, renderProject } from '../../core/resources/entities.ts'
import { limitModel } from '../../core/resources/limit_models.ts'
import * as schemas from '../../core/resources/limit_schemas.ts'
import { buildHints, matchesFilters } from '../../core/resources/query_filters.ts'
import { validate } from '../../core/resources/schema_validator.ts'
import {
  createLimits,
  createRegisteredLimits,
  deleteRegisteredLimit,
  renderLimit,
  renderRegisteredLimit,
  updateLimit,
  updateRegisteredLimit,
} from '../../core/resources/unified_limits.ts'
import { unifiedLimitOptions } from '../../options.ts'
import type { Limit } from '../../store/index.ts'
import type { ApiContext } from '../context.ts'
import { created, noContent, ok, type Router } from '../router.ts'
import { wrapLimitedCollection } from './list_limit.ts'
import {
  authorize,
  bodyMember,
  orNothing,
  param,
  queryArgs,
  withSelf,
  wrapMember,
} from './route_kit.ts'

const REGISTERED = 'registered_limits'
const LIMITS = 'limits'

export function registerLimitRoutes(router: Router, ctx: ApiContext): void {
  const { unifiedLimits } = ctx.store
  const model = () => limitModel(ctx.config.get(unifiedLimitOptions).enforcement_model)

  /** The list body of a create: each entry normalized and given a fresh ID. */
  const createBodies = (req: FastifyRequest, key: string, schema: schemas.LimitSchema) => {
    const value = bodyMember(req, key, {})
    validate(schema, value)
    return (value as Record<string, unknown>[]).map((b) => ({ ...normalizeDict(b), id: newId() }))
  }
  const createdList = (req: FastifyRequest, key: string, refs: Record<string, unknown>[]) =>
    created({ [key]: refs.map((r) => withSelf(ctx, req, key, r)) })
  const patchBody = (req: FastifyRequest, key: string, schema: schemas.LimitSchema) => {
    const value = bodyMember(req, key, {})
    validate(schema, value)
    return value as Record<string, unknown>
  }

  // registered limits
  router.route('GET', `/v3/${REGISTERED}`, async (req) => {
    const hints = buildHints(queryArgs(req), ['service_id', 'region_id', 'resource_name'])
    await authorize(ctx, req, 'identity:list_registered_limits', { filters: hints })
    const refs = (await unifiedLimits.listRegisteredLimits())
      .map(renderRegisteredLimit)
      .filter((r) => matchesFilters(r, hints))
    return ok(wrapLimitedCollection(ctx, req, 'unified_limit', REGISTERED, refs))
  })
  router.route('POST', `/v3/${REGISTERED}`, async (req) => {
    await authorize(ctx, req, 'identity:create_registered_limits')
    const bodies = createBodies(req, REGISTERED, schemas.registeredLimitCreate)
    const refs = await ctx.store.transaction((s) => createRegisteredLimits(s, bodies))
    return createdList(req, REGISTERED, refs.map(renderRegisteredLimit))
  })
  const registeredPath = `/v3/${REGISTERED}/:registered_limit_id`
  router.route('GET', registeredPath, async (req) => {
    await authorize(ctx, req, 'identity:get_registered_limit')
    const ref = await unifiedLimits.getRegisteredLimit(param(req, 'registered_limit_id'))
    return ok(wrapMember(ctx, req, 'registered_limit', REGISTERED, renderRegisteredLimit(ref)))
  })
  router.route('PATCH', registeredPath, async (req) => {
    await authorize(ctx, req, 'identity:update_registered_limit')
    const patch = patchBody(req, 'registered_limit', schemas.registeredLimitUpdate)
    const id = param(req, 'registered_limit_id')
    const ref = await ctx.store.transaction((s) => updateRegisteredLimit(s, id, patch))
    return ok(wrapMember(ctx, req, 'registered_limit', REGISTERED, renderRegisteredLimit(ref)))
  })
  router.route('DELETE', registeredPath, async (req) => {
    await authorize(ctx, req, 'identity:delete_registered_limit')
    const id = param(req, 'registered_limit_id')
    await ctx.store.transaction((s) => deleteRegisteredLimit(s, id))
    return noContent()
  })

  // limits
  router.route('GET', '/v3/limits/model', async (req) => {
    await authorize(ctx, req, 'identity:get_limit_model')
    const { name, description } = model()
    return ok({ model: { name, description } })
  })
  router.route('GET', `/v3/${LIMITS}`, async (req) => {
    const hints = buildHints(queryArgs(req), [
      'service_id',
      'region_id',
      'resource_name',
      'project_id',
      'domain_id',
    ])
    const caller = await authorize(ctx, req, 'identity:list_limits', { filters: hints })
    const refs = (await visibleLimits(ctx, caller))
      .map(renderLimit)
      .filter((r) => matchesFilters(r, hints))
    return ok(wrapLimitedCollection(ctx, req, 'unified_limit', LIMITS, refs))
  })
  router.route('POST', `/v3/${LIMITS}`, async (req) => {
    await authorize(ctx, req, 'identity:create_limits')
    const bodies = createBodies(req, LIMITS, schemas.limitCreate)
    const refs = await ctx.store.transaction((s) => createLimits(s, model(), bodies))
    return createdList(req, LIMITS, refs.map(renderLimit))
  })
  const limitPath = `/v3/${LIMITS}/:limit_id`
  /** get_member_from_driver: an unknown limit is a 404 before policy. */
  const memberTarget = async (req: FastifyRequest) => ({
    target: { limit: renderLimit(await unifiedLimits.getLimit(param(req, 'limit_id'))) },
  })
  router.route('GET', limitPath, async (req) => {
    await authorize(ctx, req, 'identity:get_limit', async () => ({
      target: (await orNothing(() => limitTarget(ctx, param(req, 'limit_id')))) ?? {},
    }))
    const ref = await unifiedLimits.getLimit(param(req, 'limit_id'))
    return ok(wrapMember(ctx, req, 'limit', LIMITS, renderLimit(ref)))
  })
  router.route('PATCH', limitPath, async (req) => {
    await authorize(ctx, req, 'identity:update_limit', () => memberTarget(req))
    const patch = patchBody(req, 'limit', schemas.limitUpdate)
    const id = param(req, 'limit_id')
    const ref = await ctx.store.transaction((s) => updateLimit(s, model(), id, patch))
    return ok(wrapMember(ctx, req, 'limit', LIMITS, renderLimit(ref)))
  })
  router.route('DELETE', limitPath, async (req) => {
    await authorize(ctx, req, 'identity:delete_limit', () => memberTarget(req))
    await ctx.store.transaction((s) => s.unifiedLimits.deleteLimit(param(req, 'limit_id')))
    return noContent()
  })
}

/** `_build_limit_enforcement_target`: the limit, with its project or its domain inside. */
async function limitTarget(ctx: ApiContext, id: string): Promise<Record<string, unknown>> {
  const limit = await ctx.store.unifiedLimits.getLimit(id)
  const rendered: Record<string, unknown> = renderLimit(limit)
  if (limit.projectId) {
    rendered.project = renderProject(await ctx.store.resource.getProject(limit.projectId))
  } else if (limit.domainId) {
    rendered.domain = renderDomain(await ctx.store.resource.getDomain(limit.domainId))
  }
  return { limit: rendered }
}

async function visibleLimits(ctx: ApiContext, caller: Caller): Promise<Limit[]> {
  const { unifiedLimits, resource } = ctx.store
  const { scope } = caller
  if (scope.kind === 'system') return unifiedLimits.listLimits()
  if (scope.kind === 'domain') {
    const { domainId } = scope
    const projects = new Set((await resource.listProjects({ domainId })).map((p) => p.id))
    return (await unifiedLimits.listLimits()).filter((l) =>
      l.projectId ? projects.has(l.projectId) : l.domainId === domainId,
    )
  }
  if (scope.kind === 'project') return unifiedLimits.listLimits({ projectId: scope.projectId })
  return []
}
