/**
 * Catalog services.
 * @module
 */
import type { Selectable, Updateable } from 'kysely'
import { ServiceNotFound } from '../../errors.ts'
import { asBool, decodeJson, encodeJson, newId } from '../codecs.ts'
import type { StoreContext } from '../context.ts'
import type { ServiceTable } from '../schema.ts'
import { duplicateId, notFound, rethrowConflict } from '../store_errors.ts'
import type { NewService, Service, ServiceFilter, ServicePatch } from './types.ts'

export function toService(row: Selectable<ServiceTable>): Service {
  return {
    id: row.id,
    type: row.type,
    name: row.name,
    description: row.description,
    enabled: asBool(row.enabled),
    extra: decodeJson(row.extra),
  }
}

export async function createService(ctx: StoreContext, input: NewService): Promise<Service> {
  const id = input.id ?? newId()
  try {
    await ctx.db
      .insertInto('service')
      .values({
        id,
        type: input.type,
        name: input.name ?? null,
        description: input.description ?? null,
        enabled: input.enabled ?? true,
        extra: encodeJson(input.extra ?? {}),
      })
      .execute()
  } catch (error) {
    rethrowConflict(error, 'service', id, () => duplicateId('service', id))
  }
  return getService(ctx, id)
}

export async function getService(ctx: StoreContext, id: string): Promise<Service> {
  const row = await ctx.db.selectFrom('service').selectAll().where('id', '=', id).executeTakeFirst()
  if (!row) throw notFound(ServiceNotFound, 'service', id)
  return toService(row)
}

export async function listServices(
  ctx: StoreContext,
  filter: ServiceFilter = {},
): Promise<Service[]> {
  let query = ctx.db.selectFrom('service').selectAll()
  if (filter.type !== undefined) query = query.where('type', '=', filter.type)
  if (filter.name !== undefined) query = query.where('name', '=', filter.name)
  return (await query.orderBy('id').execute()).map(toService)
}

export async function updateService(
  ctx: StoreContext,
  id: string,
  patch: ServicePatch,
): Promise<Service> {
  const set: Updateable<ServiceTable> = {}
  if (patch.type !== undefined) set.type = patch.type
  if (patch.name !== undefined) set.name = patch.name
  if (patch.description !== undefined) set.description = patch.description
  if (patch.enabled !== undefined) set.enabled = patch.enabled
  if (patch.extra !== undefined) set.extra = encodeJson(patch.extra)
  if (Object.keys(set).length > 0) {
    await ctx.db.updateTable('service').set(set).where('id', '=', id).execute()
  }
  return getService(ctx, id)
}

export async function deleteService(ctx: StoreContext, id: string): Promise<void> {
  // Endpoints go with it (ON DELETE CASCADE).
  const result = await ctx.db.deleteFrom('service').where('id', '=', id).executeTakeFirst()
  if (Number(result.numDeletedRows) === 0) throw notFound(ServiceNotFound, 'service', id)
}
