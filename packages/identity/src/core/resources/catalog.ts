/**
 * Services, endpoints and regions between the API and the store (keystone/api/{services,
 * endpoints,regions}.py, keystone/catalog/core.py and backends/sql.py): Keystone keeps a
 * service's name (default '') and description as extras; endpoint URLs must only use the
 * whitelisted `$(...)s` substitutions; the legacy `region` attribute of an endpoint creates the
 * region when missing; a region's description defaults to '' and its columns are String(255).
 * @module
 */

import {
  Conflict,
  expectingToFind,
  RegionNotFound,
  ServiceNotFound,
  ValidationError,
} from '../../errors.ts'
import type {
  Endpoint,
  EndpointInterface,
  JsonObject,
  JsonValue,
  Region,
  Service,
  Store,
} from '../../store/index.ts'
import { truthy } from '../py_values.ts'
import { checkLength, extrasOf, newId } from './entities.ts'

const SERVICE_COLUMNS = ['id', 'type', 'enabled', 'name', 'description']

/** Non-string descriptions (the schema does not check them) stay extras, as in Keystone. */
function serviceFields(body: Record<string, unknown>, extra: JsonObject) {
  const out: { name?: string; description?: string | null; extra: JsonObject } = { extra }
  if (typeof body.name === 'string') out.name = body.name
  if (typeof body.description === 'string') {
    out.description = body.description
    delete out.extra.description
  } else if (Object.hasOwn(body, 'description')) {
    out.description = null
    out.extra = { ...out.extra, description: body.description as JsonValue }
  }
  return out
}

export async function createService(store: Store, body: Record<string, unknown>): Promise<Service> {
  return store.catalog.createService({
    id: newId(),
    type: String(body.type),
    enabled: body.enabled !== false,
    name: '',
    ...serviceFields(body, extrasOf(body, SERVICE_COLUMNS)),
  })
}

export async function updateService(store: Store, id: string, patch: Record<string, unknown>) {
  const old = await store.catalog.getService(id)
  return store.catalog.updateService(id, {
    ...(typeof patch.type === 'string' ? { type: patch.type } : {}),
    ...(typeof patch.enabled === 'boolean' ? { enabled: patch.enabled } : {}),
    ...serviceFields(patch, { ...old.extra, ...extrasOf(patch, SERVICE_COLUMNS) }),
  })
}

const REGION_COLUMNS = ['id', 'description', 'parent_region_id']

/** POST /v3/regions and PUT /v3/regions/{id}; `body.id` is already decided. */
export async function createRegion(store: Store, body: Record<string, unknown>): Promise<Region> {
  const id = String(body.id)
  if (await store.catalog.getRegion(id).catch(ignore(RegionNotFound))) {
    throw new Conflict(`Conflict occurred attempting to store region - Duplicate ID, ${id}.`)
  }
  const parent = typeof body.parent_region_id === 'string' ? body.parent_region_id : null
  if (parent !== null) await store.catalog.getRegion(parent)
  const description = typeof body.description === 'string' ? body.description : ''
  checkLength(id, 'id', 255)
  checkLength(description, 'description', 255)
  return store.catalog.createRegion({
    id,
    description,
    parentRegionId: parent,
    extra: extrasOf(body, REGION_COLUMNS),
  })
}

export async function updateRegion(store: Store, id: string, patch: Record<string, unknown>) {
  const parent = patch.parent_region_id
  if (typeof parent === 'string') await store.catalog.getRegion(parent)
  const old = await store.catalog.getRegion(id)
  const description = Object.hasOwn(patch, 'description') ? (patch.description ?? '') : undefined
  checkLength(description, 'description', 255)
  return store.catalog.updateRegion(id, {
    ...(typeof description === 'string' ? { description } : {}),
    ...(Object.hasOwn(patch, 'parent_region_id')
      ? { parentRegionId: (parent as string | null) ?? null }
      : {}),
    extra: { ...old.extra, ...extrasOf(patch, REGION_COLUMNS) },
  })
}

function ignore(cls: typeof RegionNotFound | typeof ServiceNotFound) {
  return (error: unknown) => {
    if (error instanceof cls) return undefined
    throw error
  }
}

/** keystone.common.utils.WHITELISTED_PROPERTIES */
const WHITELIST = new Set([
  'tenant_id',
  'project_id',
  'user_id',
  'public_bind_host',
  'admin_bind_host',
  'compute_host',
  'admin_port',
  'public_port',
  'public_endpoint',
])

/**
 * `check_endpoint_url`: `url.replace('$(', '%(') % {whitelisted: ''}` must not raise, i.e. every
 * `%` starts a valid conversion of an allowed key (or one leading `%s`-like of the mapping).
 */
export function checkEndpointUrl(url: string): void {
  const text = url.replaceAll('$(', '%(')
  const spec = /%(?:\(([^)]*)\))?([#0 +-]*)(\d*)(?:\.(\d*))?[hlL]?(.)?/gy
  let unnamed = 0
  let named = false
  for (let i = text.indexOf('%'); i !== -1; i = text.indexOf('%', spec.lastIndex)) {
    spec.lastIndex = i
    const m = spec.exec(text)
    const key = m?.[1]
    const conversion = m?.[5]
    const bad = () => new ValidationError(`Cannot create an endpoint with an invalid URL: ${url}.`)
    if (!m || conversion === undefined) throw bad()
    if (conversion === '%' && key === undefined) continue
    if (!'srasdiouxXeEfFgGc'.includes(conversion)) throw bad()
    if (key === undefined) {
      // the whole mapping is the one positional argument; only str-like conversions take it
      if (named || ++unnamed > 1 || !'sra'.includes(conversion)) throw bad()
    } else {
      named = true
      if (!WHITELIST.has(key) || !'sra'.includes(conversion)) throw bad()
    }
  }
}

const ENDPOINT_COLUMNS = ['id', 'interface', 'region_id', 'service_id', 'url', 'enabled', 'region']

/** `_validate_endpoint_region`: the legacy `region` becomes `region_id`, created on demand. */
async function legacyRegion(store: Store, body: Record<string, unknown>) {
  if (body.region_id !== undefined && body.region_id !== null) return body.region_id as string
  if (body.region === undefined || body.region === null) return undefined
  const id = String(body.region)
  if (!(await store.catalog.getRegion(id).catch(ignore(RegionNotFound)))) {
    await createRegion(store, { id })
  }
  return id
}

/** `_assert_region_exists` / `_assert_service_exists`: 400s, not 404s. */
async function assertRefs(store: Store, regionId: string | undefined, serviceId: unknown) {
  if (
    regionId !== undefined &&
    !(await store.catalog.getRegion(regionId).catch(ignore(RegionNotFound)))
  ) {
    throw expectingToFind('endpoint region_id', 'region table')
  }
  if (
    typeof serviceId === 'string' &&
    !(await store.catalog.getService(serviceId).catch(ignore(ServiceNotFound)))
  ) {
    throw expectingToFind('endpoint service_id', 'service table')
  }
}

export async function createEndpoint(
  store: Store,
  body: Record<string, unknown>,
): Promise<Endpoint> {
  checkEndpointUrl(String(body.url))
  const regionId = await legacyRegion(store, body)
  await assertRefs(store, regionId, body.service_id)
  return store.catalog.createEndpoint({
    id: newId(),
    interface: body.interface as EndpointInterface,
    serviceId: String(body.service_id),
    regionId: regionId ?? null,
    url: String(body.url),
    enabled: body.enabled !== false,
    extra: extrasOf(body, ENDPOINT_COLUMNS),
  })
}

export async function updateEndpoint(store: Store, id: string, patch: Record<string, unknown>) {
  const old = await store.catalog.getEndpoint(id)
  const regionId = await legacyRegion(store, patch)
  await assertRefs(store, regionId, patch.service_id)
  return store.catalog.updateEndpoint(id, {
    ...(typeof patch.interface === 'string'
      ? { interface: patch.interface as EndpointInterface }
      : {}),
    ...(typeof patch.service_id === 'string' ? { serviceId: patch.service_id } : {}),
    ...(regionId === undefined ? {} : { regionId }),
    ...(typeof patch.url === 'string' ? { url: patch.url } : {}),
    ...(typeof patch.enabled === 'boolean' ? { enabled: patch.enabled } : {}),
    extra: { ...old.extra, ...extrasOf(patch, ENDPOINT_COLUMNS) },
  })
}

/** Region IDs for POST: the body's when truthy, else generated. */
export function regionIdForPost(body: Record<string, unknown>): string {
  return truthy(body.id) ? String(body.id) : newId()
}
