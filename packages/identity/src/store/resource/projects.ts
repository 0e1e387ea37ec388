/**
 * Projects: creation under a domain or parent, Keystone's list filters (including the four tag
 * filters) in SQL, leaf-only deletes.
 * @module
 */
import { type Kysely, sql } from 'kysely'
import { DomainNotFound, Forbidden, ProjectNotFound, ValidationError } from '../../errors.ts'
import { deleteDomain as cascadeDeleteDomain, deleteProjects } from '../cascades.ts'
import { asBool, encodeJson, newId, ROOT_DOMAIN_ID } from '../codecs.ts'
import { inTransaction, type StoreContext } from '../context.ts'
import type { Schema } from '../schema.ts'
import { duplicateName, notFound, rethrowConflict } from '../store_errors.ts'
import { textMatches } from '../text_filter.ts'
import { applyProjectPatch, loadTags, type ProjectRow, replaceTags, toProject } from './rows.ts'
import type { NewProject, Project, ProjectFilter, ProjectPatch } from './types.ts'

function projectsQuery(db: Kysely<Schema>) {
  return db.selectFrom('project').selectAll().where('id', '!=', ROOT_DOMAIN_ID)
}

async function withTags(ctx: StoreContext, rows: ProjectRow[]): Promise<Project[]> {
  const tags = await loadTags(
    ctx.db,
    rows.map((r) => r.id),
  )
  return rows.map((row) => toProject(row, tags.get(row.id) ?? []))
}

async function findRow(db: Kysely<Schema>, id: string): Promise<ProjectRow | undefined> {
  return projectsQuery(db).where('id', '=', id).executeTakeFirst()
}

export async function createProject(ctx: StoreContext, input: NewProject): Promise<Project> {
  const id = input.id ?? newId()
  const parentId = input.parentId ?? input.domainId
  await inTransaction(ctx, async (trx) => {
    const domain = await findRow(trx, input.domainId)
    if (!domain || !asBool(domain.is_domain))
      throw notFound(DomainNotFound, 'domain', input.domainId)
    if (parentId !== input.domainId) {
      const parent = await findRow(trx, parentId)
      if (!parent) throw notFound(ProjectNotFound, 'project', parentId)
      if (parent.domain_id !== input.domainId) {
        throw new ValidationError(
          `Cannot create project, since it specifies its domain_id ${input.domainId}, but ` +
            `specifies a parent in a different domain (${parent.domain_id}).`,
        )
      }
    }
    try {
      await trx
        .insertInto('project')
        .values({
          id,
          name: input.name,
          domain_id: input.domainId,
          parent_id: parentId,
          description: input.description ?? null,
          enabled: input.enabled ?? true,
          is_domain: false,
          options: encodeJson(input.options ?? {}),
          extra: encodeJson(input.extra ?? {}),
        })
        .execute()
    } catch (error) {
      rethrowConflict(error, 'project', id, () =>
        duplicateName('project', input.name, input.domainId),
      )
    }
    if (input.tags) await replaceTags(trx, id, input.tags)
  })
  return getProject(ctx, id)
}

export async function getProject(ctx: StoreContext, id: string): Promise<Project> {
  const row = await findRow(ctx.db, id)
  if (!row) throw notFound(ProjectNotFound, 'project', id)
  return (await withTags(ctx, [row]))[0] ?? toProject(row, [])
}

export async function findProjectByName(
  ctx: StoreContext,
  name: string,
  domainId: string,
): Promise<Project | undefined> {
  const row = await projectsQuery(ctx.db)
    .where('name', '=', name)
    .where('domain_id', '=', domainId)
    .executeTakeFirst()
  return row ? (await withTags(ctx, [row]))[0] : undefined
}

export async function listProjects(
  ctx: StoreContext,
  filter: ProjectFilter = {},
): Promise<Project[]> {
  let query = projectsQuery(ctx.db)
  const { name, domainId, parentId, enabled, isDomain } = filter
  if (name !== undefined)
    query = query.where((eb) => textMatches(eb.ref('name'), name, ctx.dialect))
  if (domainId !== undefined) query = query.where('domain_id', '=', domainId)
  if (parentId !== undefined) query = query.where('parent_id', '=', parentId)
  if (enabled !== undefined) query = query.where('enabled', '=', enabled)
  if (isDomain !== undefined) query = query.where('is_domain', '=', isDomain)
  const tagged = (tag: string) =>
    sql<boolean>`exists (select 1 from project_tag t where t.project_id = project.id and t.name = ${tag})`
  const taggedAny = (tags: readonly string[]) =>
    sql<boolean>`exists (select 1 from project_tag t where t.project_id = project.id and t.name in (${sql.join(tags)}))`
  const { tags, tagsAny, notTags, notTagsAny } = filter
  if (tags?.length) query = query.where((eb) => eb.and(tags.map(tagged)))
  if (tagsAny?.length) query = query.where(taggedAny(tagsAny))
  if (notTags?.length) query = query.where((eb) => eb.not(eb.and(notTags.map(tagged))))
  if (notTagsAny?.length) query = query.where((eb) => eb.not(taggedAny(notTagsAny)))
  return withTags(ctx, await query.orderBy('id').execute())
}

export async function listProjectAncestorIds(ctx: StoreContext, id: string): Promise<string[]> {
  await getProject(ctx, id)
  // UNION (not UNION ALL) also stops on a corrupt cyclic parent chain.
  const { rows } = await sql<{ id: string; depth: number }>`
    with recursive ancestor(id, parent_id, is_domain, depth) as (
      select p.id, p.parent_id, p.is_domain, 1 from project p
        where p.id = (select parent_id from project where id = ${id})
      union
      select p.id, p.parent_id, p.is_domain, a.depth + 1 from project p
        join ancestor a on p.id = a.parent_id where a.depth < 1000
    )
    select id, depth from ancestor where is_domain = ${false} order by depth`.execute(ctx.db)
  return rows.map((r) => r.id)
}

export async function updateProject(
  ctx: StoreContext,
  id: string,
  patch: ProjectPatch,
): Promise<Project> {
  const current = await getProject(ctx, id)
  await applyProjectPatch(ctx, 'project', id, patch, () =>
    duplicateName('project', patch.name ?? current.name, current.domainId),
  )
  return getProject(ctx, id)
}

export async function deleteProject(ctx: StoreContext, id: string): Promise<void> {
  await inTransaction(ctx, async (trx) => {
    const row = await findRow(trx, id)
    if (!row) throw notFound(ProjectNotFound, 'project', id)
    // Keystone deletes a domain's project form by deleting the domain.
    if (asBool(row.is_domain)) return cascadeDeleteDomain(trx, id)
    const child = await trx
      .selectFrom('project')
      .select('id')
      .where('parent_id', '=', id)
      .executeTakeFirst()
    if (child) {
      throw new Forbidden(
        `Cannot delete the project ${id} since it is not a leaf in the hierarchy. Use the ` +
          'cascade option if you want to delete a whole subtree.',
      )
    }
    await deleteProjects(trx, [id])
  })
}
