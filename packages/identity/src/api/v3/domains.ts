/**
 * /v3/domains (keystone/api/domains.py DomainResource). Grants on domains live in grants.ts.
 * @module
 */
import type { FastifyRequest } from 'fastify'
import { deleteDomain } from '../../core/resources/deletions.ts'
import { createDomain, updateDomain } from '../../core/resources/domains.ts'
import { normalizeDict, renderDomain } from '../../core/resources/entities.ts'
import {
  attrAsBoolean,
  buildHints,
  exactValues,
  matchesFilters,
  textFilter,
} from '../../core/resources/query_filters.ts'
import { validate } from '../../core/resources/schema_validator.ts'
import { domainCreate, domainUpdate } from '../../core/resources/schemas.ts'
import type { ApiContext } from '../context.ts'
import { created, noContent, ok, type Router } from '../router.ts'
import { wrapLimitedCollection } from './list_limit.ts'
import { authorize, bodyMember, orNothing, param, queryArgs, wrapMember } from './route_kit.ts'

export function registerDomainRoutes(router: Router, ctx: ApiContext): void {
  const member = (req: FastifyRequest, domain: Record<string, unknown>) =>
    wrapMember(ctx, req, 'domain', 'domains', domain)
  /** The member target Keystone looks up before enforcing (a missing domain is a 404 first). */
  const lookup = async (req: FastifyRequest) => ({
    target: { domain: renderDomain(await ctx.store.resource.getDomain(param(req, 'domain_id'))) },
  })

  router.route('GET', '/v3/domains', async (req) => {
    const filters = buildHints(queryArgs(req), ['name', 'enabled'])
    await authorize(ctx, req, 'identity:list_domains', { filters })
    const enabled = exactValues(filters, 'enabled')[0]
    const name = textFilter(filters, 'name')
    const domains = await ctx.store.resource.listDomains({
      ...(name === undefined ? {} : { name }),
      ...(enabled === undefined ? {} : { enabled: attrAsBoolean(enabled) }),
    })
    const refs = domains.map(renderDomain).filter((d) => matchesFilters(d, filters))
    return ok(wrapLimitedCollection(ctx, req, 'resource', 'domains', refs))
  })

  router.route('POST', '/v3/domains', async (req) => {
    await authorize(ctx, req, 'identity:create_domain')
    const body = bodyMember(req, 'domain')
    validate(domainCreate, body)
    const domain = await ctx.store.transaction((store) =>
      createDomain(store, normalizeDict(body as Record<string, unknown>)),
    )
    return created(member(req, renderDomain(domain)))
  })

  router.route('GET', '/v3/domains/:domain_id', async (req) => {
    const id = param(req, 'domain_id')
    await authorize(ctx, req, 'identity:get_domain', async () => {
      const domain = await orNothing(() => ctx.store.resource.getDomain(id))
      return { target: domain === undefined ? {} : { domain: renderDomain(domain) } }
    })
    return ok(member(req, renderDomain(await ctx.store.resource.getDomain(id))))
  })

  router.route('PATCH', '/v3/domains/:domain_id', async (req) => {
    await authorize(ctx, req, 'identity:update_domain', () => lookup(req))
    const body = bodyMember(req, 'domain')
    validate(domainUpdate, body)
    const id = param(req, 'domain_id')
    const domain = await ctx.store.transaction((store) =>
      updateDomain(store, id, normalizeDict(body as Record<string, unknown>)),
    )
    return ok(member(req, renderDomain(domain)))
  })

  router.route('DELETE', '/v3/domains/:domain_id', async (req) => {
    await authorize(ctx, req, 'identity:delete_domain', () => lookup(req))
    await ctx.store.transaction((store) => deleteDomain(store, param(req, 'domain_id')))
    return noContent()
  })
}
