/**
 * /v3/services, /v3/endpoints and /v3/regions (keystone/api/{services,endpoints,regions}.py).
 * Only the endpoint resource declares a member lookup, so an unknown endpoint is a 404 before
 * policy while an unknown service or region is checked by policy first. Their bodies are
 * `request_body_json.get(key)` without a default, so a missing member is
 * `None is not of type 'object'`.
 * @module
 */
import type { FastifyRequest } from 'fastify'
import {
  createEndpoint,
  createRegion,
  createService,
  regionIdForPost,
  updateEndpoint,
  updateRegion,
  updateService,
} from '../../core/resources/catalog.ts'
import {
  normalizeDict,
  type Rendered,
  renderEndpoint,
  renderRegion,
  renderService,
} from '../../core/resources/entities.ts'
import { buildHints, exactValues, matchesFilters } from '../../core/resources/query_filters.ts'
import { type Schema, validate } from '../../core/resources/schema_validator.ts'
import * as schemas from '../../core/resources/schemas.ts'
import { ValidationError } from '../../errors.ts'
import type { EndpointInterface } from '../../store/index.ts'
import type { ApiContext } from '../context.ts'
import {
  authorize,
  bodyMember,
  created,
  noContent,
  ok,
  param,
  queryArgs,
  type Router,
  wrapCollection,
  wrapMember,
} from './route_kit.ts'

/** `memberTarget`: the resource declares get_member_from_driver (only endpoints do). */
type Kind = { one: string; many: string; idParam: string; memberTarget: boolean }
const SERVICE: Kind = {
  one: 'service',
  many: 'services',
  idParam: 'service_id',
  memberTarget: false,
}
const ENDPOINT: Kind = {
  one: 'endpoint',
  many: 'endpoints',
  idParam: 'endpoint_id',
  memberTarget: true,
}
const REGION: Kind = { one: 'region', many: 'regions', idParam: 'region_id', memberTarget: false }

export function registerCatalogRoutes(router: Router, ctx: ApiContext): void {
  const { catalog } = ctx.store
  const lookups = {
    service: async (id: string) => renderService(await catalog.getService(id)),
    endpoint: async (id: string) => renderEndpoint(await catalog.getEndpoint(id)),
    region: async (id: string) => renderRegion(await catalog.getRegion(id)),
  }
  /** authenticate, then (endpoints only) the member target, so a 404 comes first, then policy */
  const authorizeMember = (req: FastifyRequest, kind: Kind, verb: string) =>
    authorize(ctx, req, `identity:${verb}_${kind.one}`, async () =>
      kind.memberTarget
        ? {
            target: {
              [kind.one]: await lookups[kind.one as keyof typeof lookups](param(req, kind.idParam)),
            },
          }
        : {},
    )
  const body = (req: FastifyRequest, kind: Kind, schema: Schema) => {
    const value = bodyMember(req, kind.one, null)
    validate(schema, value)
    return normalizeDict(value as Record<string, unknown>)
  }
  const matchingId = (req: FastifyRequest, kind: Kind, patch: Record<string, unknown>) => {
    if (patch.id !== undefined && patch.id !== null && patch.id !== param(req, kind.idParam)) {
      throw new ValidationError('Cannot change ID')
    }
  }
  const one = (req: FastifyRequest, kind: Kind, entity: Rendered) =>
    wrapMember(ctx, req, kind.one, kind.many, entity)
  const list = async (
    req: FastifyRequest,
    kind: Kind,
    filters: string[],
    load: (f: ReturnType<typeof buildHints>) => Promise<Rendered[]>,
  ) => {
    const hints = buildHints(queryArgs(req), filters)
    await authorize(ctx, req, `identity:list_${kind.many}`, { filters: hints })
    const refs = (await load(hints)).filter((r) => matchesFilters(r, hints))
    return ok(wrapCollection(ctx, req, kind.many, kind.many, refs))
  }
  const get = async (req: FastifyRequest, kind: Kind) =>
    ok(one(req, kind, await lookups[kind.one as keyof typeof lookups](param(req, kind.idParam))))

  // services
  router.route('GET', '/v3/services', (req) =>
    list(req, SERVICE, ['type', 'name'], async (f) => {
      const type = exactValues(f, 'type')[0]
      const services = await catalog.listServices(type === undefined ? {} : { type })
      return services.map(renderService)
    }),
  )
  router.route('POST', '/v3/services', async (req) => {
    await authorize(ctx, req, 'identity:create_service')
    const input = body(req, SERVICE, schemas.serviceCreate)
    const service = await ctx.store.transaction((s) => createService(s, input))
    return created(one(req, SERVICE, renderService(service)))
  })
  router.route('GET', '/v3/services/:service_id', async (req) => {
    await authorizeMember(req, SERVICE, 'get')
    return get(req, SERVICE)
  })
  router.route('PATCH', '/v3/services/:service_id', async (req) => {
    await authorizeMember(req, SERVICE, 'update')
    const patch = body(req, SERVICE, schemas.serviceUpdate)
    matchingId(req, SERVICE, patch)
    const id = param(req, 'service_id')
    const service = await ctx.store.transaction((s) => updateService(s, id, patch))
    return ok(one(req, SERVICE, renderService(service)))
  })
  router.route('DELETE', '/v3/services/:service_id', async (req) => {
    await authorizeMember(req, SERVICE, 'delete')
    await ctx.store.transaction((s) => s.catalog.deleteService(param(req, 'service_id')))
    return noContent()
  })

  // endpoints
  router.route('GET', '/v3/endpoints', (req) =>
    list(req, ENDPOINT, ['interface', 'service_id', 'region_id'], async (f) => {
      const iface = exactValues(f, 'interface')[0]
      const serviceId = exactValues(f, 'service_id')[0]
      const endpoints = await catalog.listEndpoints({
        ...(iface === undefined ? {} : { interface: iface as EndpointInterface }),
        ...(serviceId === undefined ? {} : { serviceId }),
      })
      return endpoints.map(renderEndpoint)
    }),
  )
  router.route('POST', '/v3/endpoints', async (req) => {
    await authorize(ctx, req, 'identity:create_endpoint')
    const input = body(req, ENDPOINT, schemas.endpointCreate)
    const endpoint = await ctx.store.transaction((s) => createEndpoint(s, input))
    return created(one(req, ENDPOINT, renderEndpoint(endpoint)))
  })
  router.route('GET', '/v3/endpoints/:endpoint_id', async (req) => {
    await authorizeMember(req, ENDPOINT, 'get')
    return get(req, ENDPOINT)
  })
  router.route('PATCH', '/v3/endpoints/:endpoint_id', async (req) => {
    await authorizeMember(req, ENDPOINT, 'update')
    const patch = body(req, ENDPOINT, schemas.endpointUpdate)
    matchingId(req, ENDPOINT, patch)
    const id = param(req, 'endpoint_id')
    const endpoint = await ctx.store.transaction((s) => updateEndpoint(s, id, patch))
    return ok(one(req, ENDPOINT, renderEndpoint(endpoint)))
  })
  router.route('DELETE', '/v3/endpoints/:endpoint_id', async (req) => {
    await authorizeMember(req, ENDPOINT, 'delete')
    await ctx.store.transaction((s) => s.catalog.deleteEndpoint(param(req, 'endpoint_id')))
    return noContent()
  })

  // regions
  router.route('GET', '/v3/regions', (req) =>
    list(req, REGION, ['parent_region_id'], async () =>
      (await catalog.listRegions()).map(renderRegion),
    ),
  )
  router.route('POST', '/v3/regions', async (req) => {
    await authorize(ctx, req, 'identity:create_region')
    const input = body(req, REGION, schemas.regionCreate)
    const region = await ctx.store.transaction((s) =>
      createRegion(s, { ...input, id: regionIdForPost(input) }),
    )
    return created(one(req, REGION, renderRegion(region)))
  })
  router.route('PUT', '/v3/regions/:region_id', async (req) => {
    await authorize(ctx, req, 'identity:create_region')
    const input = body(req, REGION, schemas.regionCreate)
    const id = param(req, 'region_id')
    if (Object.hasOwn(input, 'id') && input.id !== id) {
      throw new ValidationError(
        `Conflicting region IDs specified: "${id}" != "${String(input.id)}"`,
      )
    }
    const region = await ctx.store.transaction((s) => createRegion(s, { ...input, id }))
    return created(one(req, REGION, renderRegion(region)))
  })
  router.route('GET', '/v3/regions/:region_id', async (req) => {
    await authorizeMember(req, REGION, 'get')
    return get(req, REGION)
  })
  router.route('PATCH', '/v3/regions/:region_id', async (req) => {
    await authorizeMember(req, REGION, 'update')
    const patch = body(req, REGION, schemas.regionUpdate)
    matchingId(req, REGION, patch)
    const id = param(req, 'region_id')
    const region = await ctx.store.transaction((s) => updateRegion(s, id, patch))
    return ok(one(req, REGION, renderRegion(region)))
  })
  router.route('DELETE', '/v3/regions/:region_id', async (req) => {
    await authorizeMember(req, REGION, 'delete')
    await ctx.store.transaction((s) => s.catalog.deleteRegion(param(req, 'region_id')))
    return noContent()
  })
}
