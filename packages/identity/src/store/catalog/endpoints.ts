/**
 * Catalog endpoints, and the catalog as a token carries it.
 * @module
 */
import type { Kysely, Selectable, Updateable } from 'kysely'
import { EndpointNotFound, RegionNotFound, ServiceNotFound } from '../../errors.ts'
import { asBool, decodeJson, encodeJson, newId } from '../codecs.ts'
import { inTransaction, type StoreContext } from '../context.ts'
import type { EndpointTable, Schema } from '../schema.ts'
import { duplicateId, notFound, rethrowConflict } from '../store_errors.ts'
import { listServices } from './services.ts'
import type {
  CatalogEntry,
  Endpoint,
  EndpointFilter,
  EndpointInterface,
  EndpointPatch,
  NewEndpoint,
} from './types.ts'

function toEndpoint(row: Selectable<EndpointTable>): Endpoint {
  return {
    id: row.id,
    // Only the repository writes this column, from the EndpointInterface type.
    interface: row.interface as EndpointInterface,
    serviceId: row.service_id,
    regionId: row.region_id,
    url: row.url,
    enabled: asBool(row.enabled),
    extra: decodeJson(row.extra),
  }
}

async function assertEndpointRefs(
  db: Kysely<Schema>,
  serviceId: string | undefined,
  regionId: string | null | undefined,
): Promise<void> {
  if (serviceId !== undefined) {
    const row = await db
      .selectFrom('service')
      .select('id')
      .where('id', '=', serviceId)
      .executeTakeFirst()
    if (!row) throw notFound(ServiceNotFound, 'service', serviceId)
  }
  if (regionId) {
    const row = await db
      .selectFrom('region')
      .select('id')
      .where('id', '=', regionId)
      .executeTakeFirst()
    if (!row) throw notFound(RegionNotFound, 'region', regionId)
  }
}

export async function createEndpoint(ctx: StoreContext, input: NewEndpoint): Promise<Endpoint> {
  const id = input.id ?? newId()
  await inTransaction(ctx, async (trx) => {
    await assertEndpointRefs(trx, input.serviceId, input.regionId)
    try {
      await trx
        .insertInto('endpoint')
        .values({
          id,
          interface: input.interface,
          service_id: input.serviceId,
          region_id: input.regionId ?? null,
          url: input.url,
          enabled: input.enabled ?? true,
          extra: encodeJson(input.extra ?? {}),
        })
        .execute()
    } catch (error) {
      rethrowConflict(error, 'endpoint', id, () => duplicateId('endpoint', id))
    }
  })
  return getEndpoint(ctx, id)
}

export async function getEndpoint(ctx: StoreContext, id: string): Promise<Endpoint> {
  const row = await ctx.db
    .selectFrom('endpoint')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst()
  if (!row) throw notFound(EndpointNotFound, 'endpoint', id)
  return toEndpoint(row)
}

export async function listEndpoints(
  ctx: StoreContext,
  filter: EndpointFilter = {},
): Promise<Endpoint[]> {
  let query = ctx.db.selectFrom('endpoint').selectAll()
  if (filter.interface !== undefined) query = query.where('interface', '=', filter.interface)
  if (filter.serviceId !== undefined) query = query.where('service_id', '=', filter.serviceId)
  if (filter.regionId !== undefined) query = query.where('region_id', '=', filter.regionId)
  if (filter.enabled !== undefined) query = query.where('enabled', '=', filter.enabled)
  return (await query.orderBy('id').execute()).map(toEndpoint)
}

export async function updateEndpoint(
  ctx: StoreContext,
  id: string,
  patch: EndpointPatch,
): Promise<Endpoint> {
  const set: Updateable<EndpointTable> = {}
  if (patch.interface !== undefined) set.interface = patch.interface
  if (patch.serviceId !== undefined) set.service_id = patch.serviceId
  if (patch.regionId !== undefined) set.region_id = patch.regionId
  if (patch.url !== undefined) set.url = patch.url
  if (patch.enabled !== undefined) set.enabled = patch.enabled
  if (patch.extra !== undefined) set.extra = encodeJson(patch.extra)
  await inTransaction(ctx, async (trx) => {
    await getEndpoint({ ...ctx, db: trx }, id)
    await assertEndpointRefs(trx, patch.serviceId, patch.regionId)
    if (Object.keys(set).length > 0) {
      await trx.updateTable('endpoint').set(set).where('id', '=', id).execute()
    }
  })
  return getEndpoint(ctx, id)
}

export async function deleteEndpoint(ctx: StoreContext, id: string): Promise<void> {
  const result = await ctx.db.deleteFrom('endpoint').where('id', '=', id).executeTakeFirst()
  if (Number(result.numDeletedRows) === 0) throw notFound(EndpointNotFound, 'endpoint', id)
}

/** keystone get_v3_catalog: every enabled service, even one without endpoints. */
export async function listCatalog(ctx: StoreContext): Promise<CatalogEntry[]> {
  const services = await listServices(ctx)
  const endpoints = await listEndpoints(ctx, { enabled: true })
  const byService = new Map<string, Endpoint[]>()
  for (const e of endpoints) byService.set(e.serviceId, [...(byService.get(e.serviceId) ?? []), e])
  return services
    .filter((s) => s.enabled)
    .map((service) => ({ service, endpoints: byService.get(service.id) ?? [] }))
}
