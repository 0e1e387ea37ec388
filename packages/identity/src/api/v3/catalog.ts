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
import type { EndpointInterface, Store } from '../../store/index.ts'
import type { ApiContext } from '../context.ts'
import { created, noContent, ok, type Router } from '../router.ts'
import { wrapLimitedCollection } from './list_limit.ts'
import { authorize, bodyMember, param, queryArgs, wrapMember } from './route_kit.ts'

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
    return ok(wrapLimitedCollection(ctx, req, 'catalog', kind.many, refs))
  }
  const get = async (req: FastifyRequest, kind: Kind) =>
    ok(one(req, kind, await lookups[kind.one as keyof typeof lookups](param(req, kind.idParam))))

  /** POST /v3/<many>: policy, the body checked against `schema`, then `create` in a transaction. */
  const createRoute = <T>(
    kind: Kind,
    schema: Schema,
    create: (s: Store, input: Record<string, unknown>) => Promise<T>,
    render: (entity: T) => Rendered,
  ) =>
    router.route('POST', `/v3/${kind.many}`, async (req) => {
      await authorize(ctx, req, `identity:create_${kind.one}`)
      const input = body(req, kind, schema)
      const entity = await ctx.store.transaction((s) => create(s, input))
      return created(one(req, kind, render(entity)))
    })
  /** GET, PATCH and DELETE of /v3/<many>/:<idParam>, alike for all three resources. */
  const memberRoutes = <T>(
    kind: Kind,
    schema: Schema,
    update: (s: Store, id: string, patch: Record<string, unknown>) => Promise<T>,
    render: (entity: T) => Rendered,
    remove: (s: Store, id: string) => Promise<void>,
  ) => {
    const path = `/v3/${kind.many}/:${kind.idParam}`
    router.route('GET', path, async (req) => {
      await authorizeMember(req, kind, 'get')
      return get(req, kind)
    })
    router.route('PATCH', path, async (req) => {
      await authorizeMember(req, kind, 'update')
      const patch = body(req, kind, schema)
      matchingId(req, kind, patch)
      const id = param(req, kind.idParam)
      const entity = await ctx.store.transaction((s) => update(s, id, patch))
      return ok(one(req, kind, render(entity)))
    })
    router.route('DELETE', path, async (req) => {
      await authorizeMember(req, kind, 'delete')
      await ctx.store.transaction((s) => remove(s, param(req, kind.idParam)))
      return noContent()
    })
  }

  // services
  router.route('GET', '/v3/services', (req) =>
    list(req, SERVICE, ['type', 'name'], async (f) => {
      const type = exactValues(f, 'type')[0]
      const services = await catalog.listServices(type === undefined ? {} : { type })
      return services.map(renderService)
    }),
  )
  createRoute(SERVICE, schemas.serviceCreate, createService, renderService)
  memberRoutes(SERVICE, schemas.serviceUpdate, updateService, renderService, (s, id) =>
    s.catalog.deleteService(id),
  )

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
  createRoute(ENDPOINT, schemas.endpointCreate, createEndpoint, renderEndpoint)
  memberRoutes(ENDPOINT, schemas.endpointUpdate, updateEndpoint, renderEndpoint, (s, id) =>
    s.catalog.deleteEndpoint(id),
  )

  // regions
  router.route('GET', '/v3/regions', (req) =>
    list(req, REGION, ['parent_region_id'], async () =>
      (await catalog.listRegions()).map(renderRegion),
    ),
  )
  createRoute(
    REGION,
    schemas.regionCreate,
    (s, input) => createRegion(s, { ...input, id: regionIdForPost(input) }),
    renderRegion,
  )
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
  memberRoutes(REGION, schemas.regionUpdate, updateRegion, renderRegion, (s, id) =>
    s.catalog.deleteRegion(id),
  )
}
