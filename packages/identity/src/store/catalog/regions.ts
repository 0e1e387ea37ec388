/**
 * Regions: a tree through parent_region_id, kept acyclic on update; deleting a region deletes its
 * subtree unless an endpoint still uses any of it (keystone RegionDeletionError).
 * @module
 */
import { type Kysely, type Selectable, sql, type Updateable } from 'kysely'
import { Forbidden, RegionNotFound, ValidationError } from '../../errors.ts'
import { decodeJson, encodeJson, newId } from '../codecs.ts'
import { inTransaction, type StoreContext } from '../context.ts'
import type { RegionTable, Schema } from '../schema.ts'
import { conflict, notFound, rethrowConflict } from '../store_errors.ts'
import type { NewRegion, Region, RegionPatch } from './types.ts'

const MAX_DEPTH = 100

function toRegion(row: Selectable<RegionTable>): Region {
  return {
    id: row.id,
    description: row.description,
    parentRegionId: row.parent_region_id,
    extra: decodeJson(row.extra),
  }
}

async function findRegion(db: Kysely<Schema>, id: string): Promise<Region | undefined> {
  const row = await db.selectFrom('region').selectAll().where('id', '=', id).executeTakeFirst()
  return row ? toRegion(row) : undefined
}

/** IDs of the region and everything below it. */
async function subtreeIds(db: Kysely<Schema>, id: string): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    with recursive subtree(id, depth) as (
      select id, 0 from region where id = ${id}
      union
      select r.id, s.depth + 1 from region r join subtree s on r.parent_region_id = s.id
      where s.depth < ${MAX_DEPTH}
    )
    select distinct id from subtree`.execute(db)
  return rows.map((r) => r.id)
}

export async function createRegion(ctx: StoreContext, input: NewRegion): Promise<Region> {
  const id = input.id ?? newId()
  await inTransaction(ctx, async (trx) => {
    const parent = input.parentRegionId ?? null
    if (parent !== null && !(await findRegion(trx, parent))) {
      throw notFound(RegionNotFound, 'region', parent)
    }
    try {
      await trx
        .insertInto('region')
        .values({
          id,
          description: input.description ?? null,
          parent_region_id: parent,
          extra: encodeJson(input.extra ?? {}),
        })
        .execute()
    } catch (error) {
      // keystone/catalog/backends/sql.py create_region
      const duplicate = () => conflict('region', `Duplicate ID, ${id}`)
      rethrowConflict(error, 'region', id, duplicate, duplicate)
    }
  })
  return getRegion(ctx, id)
}

export async function getRegion(ctx: StoreContext, id: string): Promise<Region> {
  const region = await findRegion(ctx.db, id)
  if (!region) throw notFound(RegionNotFound, 'region', id)
  return region
}

export async function listRegions(
  ctx: StoreContext,
  filter: { readonly parentRegionId?: string } = {},
): Promise<Region[]> {
  let query = ctx.db.selectFrom('region').selectAll()
  if (filter.parentRegionId !== undefined) {
    query = query.where('parent_region_id', '=', filter.parentRegionId)
  }
  return (await query.orderBy('id').execute()).map(toRegion)
}

export async function updateRegion(
  ctx: StoreContext,
  id: string,
  patch: RegionPatch,
): Promise<Region> {
  const set: Updateable<RegionTable> = {}
  if (patch.description !== undefined) set.description = patch.description
  if (patch.parentRegionId !== undefined) set.parent_region_id = patch.parentRegionId
  if (patch.extra !== undefined) set.extra = encodeJson(patch.extra)
  await inTransaction(ctx, async (trx) => {
    if (!(await findRegion(trx, id))) throw notFound(RegionNotFound, 'region', id)
    const parent = patch.parentRegionId
    if (parent) {
      if (!(await findRegion(trx, parent))) throw notFound(RegionNotFound, 'region', parent)
      if ((await subtreeIds(trx, id)).includes(parent)) {
        // keystone exception.CircularRegionHierarchyError
        throw new ValidationError(
          `The specified parent region ${parent} would create a circular region hierarchy.`,
        )
      }
    }
    if (Object.keys(set).length > 0) {
      await trx.updateTable('region').set(set).where('id', '=', id).execute()
    }
  })
  return getRegion(ctx, id)
}

export async function deleteRegion(ctx: StoreContext, id: string): Promise<void> {
  await inTransaction(ctx, async (trx) => {
    if (!(await findRegion(trx, id))) throw notFound(RegionNotFound, 'region', id)
    const ids = await subtreeIds(trx, id)
    const used = await trx
      .selectFrom('endpoint')
      .select('id')
      .where('region_id', 'in', ids)
      .executeTakeFirst()
    if (used) {
      throw new Forbidden(
        `Unable to delete region ${id} because it or its child regions have associated endpoints.`,
      )
    }
    // One statement for the whole subtree: parent references are checked at its end.
    await trx.deleteFrom('region').where('id', 'in', ids).execute()
  })
}
