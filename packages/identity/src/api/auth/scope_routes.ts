/**
 * Scope discovery (keystone/api/auth.py): `GET /v3/auth/catalog` (project-scoped tokens only),
 * `/v3/auth/projects`, `/v3/auth/domains` and `/v3/auth/system`, each for the X-Auth-Token's
 * user, each behind its `identity:get_auth_*` policy (open to any authenticated caller by
 * default). HEAD answers as GET without a body.
 * @module
 */
import type { FastifyRequest } from 'fastify'
import { domainsForUser, hasDirectSystemRole, projectsForUser } from '../../core/auth/index.ts'
import type { Caller } from '../../core/caller.ts'
import { Forbidden } from '../../errors.ts'
import { scopeProjectId } from '../../scope.ts'
import type { Domain, Project } from '../../store/index.ts'
import { ok, type Router } from '../router.ts'
import { requestUrl } from '../v3/route_kit.ts'
import type { AuthRoutesContext } from './token_routes.ts'

/** keystone `Project.to_dict()` with its self link (a project of `GET /v3/projects`). */
function renderProject(base: string, p: Project): Record<string, unknown> {
  return {
    ...p.extra,
    id: p.id,
    name: p.name,
    domain_id: p.domainId,
    description: p.description,
    enabled: p.enabled,
    parent_id: p.parentId,
    is_domain: p.isDomain,
    tags: p.tags,
    options: p.options,
    links: { self: `${base}/v3/projects/${p.id}` },
  }
}

/** keystone `Domain.to_dict()` with its self link. */
function renderDomain(base: string, d: Domain): Record<string, unknown> {
  return {
    ...d.extra,
    id: d.id,
    name: d.name,
    description: d.description,
    enabled: d.enabled,
    tags: d.tags,
    options: d.options,
    links: { self: `${base}/v3/domains/${d.id}` },
  }
}

export function registerScopeRoutes(router: Router, ctx: AuthRoutesContext): void {
  const caller = async (request: FastifyRequest, action: string): Promise<Caller> => {
    const found = await ctx.authenticate(request)
    ctx.policy.enforce(found, action, {})
    return found
  }

  router.route('GET', '/v3/auth/catalog', async (request) => {
    const who = await caller(request, 'identity:get_auth_catalog')
    const projectId = scopeProjectId(who.scope)
    if (projectId === null) {
      // Forbidden is a SecurityError: Keystone sends its generic message, not this reason
      throw new Forbidden(undefined, {
        cause: new Error('A project-scoped token is required to produce a service catalog.'),
      })
    }
    return ok({
      catalog: await ctx.tokens.catalog(who.userId, projectId),
      links: { self: `${ctx.baseUrl(request)}/v3/auth/catalog` },
    })
  })

  router.route('GET', '/v3/auth/projects', async (request) => {
    const who = await caller(request, 'identity:get_auth_projects')
    const base = ctx.baseUrl(request)
    const projects = await projectsForUser(ctx.store, who.userId)
    return ok({
      projects: projects.map((p) => renderProject(base, p)),
      links: { next: null, self: requestUrl(ctx, request), previous: null },
    })
  })

  router.route('GET', '/v3/auth/domains', async (request) => {
    const who = await caller(request, 'identity:get_auth_domains')
    const base = ctx.baseUrl(request)
    const domains = await domainsForUser(ctx.store, who.userId)
    return ok({
      domains: domains.map((d) => renderDomain(base, d)),
      links: { next: null, self: requestUrl(ctx, request), previous: null },
    })
  })

  router.route('GET', '/v3/auth/system', async (request) => {
    const who = await caller(request, 'identity:get_auth_system')
    const system = (await hasDirectSystemRole(ctx.store, who.userId)) ? [{ all: true }] : []
    return ok({ system, links: { self: `${ctx.baseUrl(request)}/v3/auth/system` } })
  })
}
