/**
 * Domains: `is_domain` rows of the project table under the root sentinel.
 * @module
 */
import { DomainNotFound } from '../../errors.ts'
import { deleteDomain as cascadeDeleteDomain } from '../cascades.ts'
import { encodeJson, newId, ROOT_DOMAIN_ID } from '../codecs.ts'
import { inTransaction, type StoreContext } from '../context.ts'
import { duplicateName, notFound, rethrowConflict } from '../store_errors.ts'
import { textMatches } from '../text_filter.ts'
import { applyProjectPatch, loadTags, type ProjectRow, replaceTags, toDomain } from './rows.ts'
import type { Domain, DomainFilter, DomainPatch, NewDomain } from './types.ts'

function domainsQuery(ctx: StoreContext) {
  return ctx.db
    .selectFrom('project')
    .selectAll()
    .where('is_domain', '=', true)
    .where('id', '!=', ROOT_DOMAIN_ID)
}

async function withTags(ctx: StoreContext, rows: ProjectRow[]): Promise<Domain[]> {
  const tags = await loadTags(
    ctx.db,
    rows.map((r) => r.id),
  )
  return rows.map((row) => toDomain(row, tags.get(row.id) ?? []))
}

export async function createDomain(ctx: StoreContext, input: NewDomain): Promise<Domain> {
  const id = input.id ?? newId()
  await inTransaction(ctx, async (trx) => {
    try {
      await trx
        .insertInto('project')
        .values({
          id,
          name: input.name,
          domain_id: ROOT_DOMAIN_ID,
          parent_id: null,
          description: input.description ?? null,
          enabled: input.enabled ?? true,
          is_domain: true,
          options: encodeJson(input.options ?? {}),
          extra: encodeJson(input.extra ?? {}),
        })
        .execute()
    } catch (error) {
      rethrowConflict(error, 'domain', id, () => duplicateName('domain', input.name))
    }
    if (input.tags) await replaceTags(trx, id, input.tags)
  })
  return getDomain(ctx, id)
}

export async function findDomain(ctx: StoreContext, id: string): Promise<Domain | undefined> {
  const row = await domainsQuery(ctx).where('id', '=', id).executeTakeFirst()
  return row ? (await withTags(ctx, [row]))[0] : undefined
}

export async function getDomain(ctx: StoreContext, id: string): Promise<Domain> {
  const domain = await findDomain(ctx, id)
  if (!domain) throw notFound(DomainNotFound, 'domain', id)
  return domain
}

export async function findDomainByName(
  ctx: StoreContext,
  name: string,
): Promise<Domain | undefined> {
  const row = await domainsQuery(ctx).where('name', '=', name).executeTakeFirst()
  return row ? (await withTags(ctx, [row]))[0] : undefined
}

export async function listDomains(ctx: StoreContext, filter: DomainFilter = {}): Promise<Domain[]> {
  let query = domainsQuery(ctx)
  const { name, enabled } = filter
  if (name !== undefined)
    query = query.where((eb) => textMatches(eb.ref('name'), name, ctx.dialect))
  if (enabled !== undefined) query = query.where('enabled', '=', enabled)
  return withTags(ctx, await query.orderBy('id').execute())
}

export async function updateDomain(
  ctx: StoreContext,
  id: string,
  patch: DomainPatch,
): Promise<Domain> {
  const current = await getDomain(ctx, id)
  await applyProjectPatch(ctx, 'domain', id, patch, () =>
    duplicateName('domain', patch.name ?? current.name),
  )
  return getDomain(ctx, id)
}

export async function deleteDomain(ctx: StoreContext, id: string): Promise<void> {
  await inTransaction(ctx, async (trx) => {
    await getDomain({ ...ctx, db: trx }, id)
    await cascadeDeleteDomain(trx, id)
  })
}
