/**
 * Project (and domain) tags: `/v3/projects/{id}/tags[/{tag}]`.
 * @module
 */
import { NotFound, ProjectNotFound } from '../../errors.ts'
import { ROOT_DOMAIN_ID } from '../codecs.ts'
import { inTransaction, type StoreContext } from '../context.ts'
import { notFound } from '../store_errors.ts'
import { loadTags, replaceTags } from './rows.ts'

async function assertProject(ctx: StoreContext, projectId: string): Promise<void> {
  const row = await ctx.db
    .selectFrom('project')
    .select('id')
    .where('id', '=', projectId)
    .where('id', '!=', ROOT_DOMAIN_ID)
    .executeTakeFirst()
  if (!row) throw notFound(ProjectNotFound, 'project', projectId)
}

export async function listTags(ctx: StoreContext, projectId: string): Promise<string[]> {
  await assertProject(ctx, projectId)
  return (await loadTags(ctx.db, [projectId])).get(projectId) ?? []
}

export async function setTags(
  ctx: StoreContext,
  projectId: string,
  tags: readonly string[],
): Promise<string[]> {
  return inTransaction(ctx, async (trx) => {
    await assertProject({ ...ctx, db: trx }, projectId)
    return replaceTags(trx, projectId, tags)
  })
}

export async function addTag(ctx: StoreContext, projectId: string, tag: string): Promise<void> {
  await assertProject(ctx, projectId)
  const insert = ctx.db.insertInto('project_tag').values({ project_id: projectId, name: tag })
  await (ctx.dialect === 'mysql'
    ? insert.onDuplicateKeyUpdate((eb) => ({ name: eb.ref('name') }))
    : insert.onConflict((oc) => oc.columns(['project_id', 'name']).doNothing())
  ).execute()
}

export async function hasTag(ctx: StoreContext, projectId: string, tag: string): Promise<boolean> {
  await assertProject(ctx, projectId)
  const row = await ctx.db
    .selectFrom('project_tag')
    .select('name')
    .where('project_id', '=', projectId)
    .where('name', '=', tag)
    .executeTakeFirst()
  return row !== undefined
}

export async function removeTag(ctx: StoreContext, projectId: string, tag: string): Promise<void> {
  await assertProject(ctx, projectId)
  const result = await ctx.db
    .deleteFrom('project_tag')
    .where('project_id', '=', projectId)
    .where('name', '=', tag)
    .executeTakeFirst()
  // keystone: ProjectTagNotFound "Could not find project tag: <tag>."
  if (Number(result.numDeletedRows) === 0) throw new NotFound(`Could not find project tag: ${tag}.`)
}
