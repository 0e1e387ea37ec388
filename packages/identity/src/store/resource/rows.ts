/**
 * Row ↔ entity mapping for the resource area, plus batch tag loading (one query per list).
 * @module
 */
import type { Kysely, Selectable, Updateable } from 'kysely'
import type { Conflict } from '../../errors.ts'
import { asBool, decodeJson, encodeJson, ROOT_DOMAIN_ID } from '../codecs.ts'
import { inTransaction, type StoreContext } from '../context.ts'
import type { ProjectTable, Schema } from '../schema.ts'
import { rethrowConflict } from '../store_errors.ts'
import type { Domain, DomainPatch, Project } from './types.ts'

export type ProjectRow = Selectable<ProjectTable>

export function toDomain(row: ProjectRow, tags: readonly string[]): Domain {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    enabled: asBool(row.enabled),
    options: decodeJson(row.options),
    extra: decodeJson(row.extra),
    tags,
  }
}

export function toProject(row: ProjectRow, tags: readonly string[]): Project {
  return {
    id: row.id,
    name: row.name,
    domainId: row.domain_id === ROOT_DOMAIN_ID ? null : row.domain_id,
    parentId: row.parent_id,
    description: row.description,
    enabled: asBool(row.enabled),
    isDomain: asBool(row.is_domain),
    options: decodeJson(row.options),
    extra: decodeJson(row.extra),
    tags,
  }
}

/** The column changes a patch asks for (tags are handled separately). */
export function projectUpdates(patch: DomainPatch): Updateable<ProjectTable> {
  const set: Updateable<ProjectTable> = {}
  if (patch.name !== undefined) set.name = patch.name
  if (patch.description !== undefined) set.description = patch.description
  if (patch.enabled !== undefined) set.enabled = patch.enabled
  if (patch.options !== undefined) set.options = encodeJson(patch.options)
  if (patch.extra !== undefined) set.extra = encodeJson(patch.extra)
  return set
}

/**
 * Writes a domain or project patch: its columns (a clashing name becomes `byName()`), then its
 * tags when the patch carries them, in one transaction.
 */
export async function applyProjectPatch(
  ctx: StoreContext,
  type: 'domain' | 'project',
  id: string,
  patch: DomainPatch,
  byName: () => Conflict,
): Promise<void> {
  const set = projectUpdates(patch)
  await inTransaction(ctx, async (trx) => {
    if (Object.keys(set).length > 0) {
      try {
        await trx.updateTable('project').set(set).where('id', '=', id).execute()
      } catch (error) {
        rethrowConflict(error, type, id, byName)
      }
    }
    if (patch.tags) await replaceTags(trx, id, patch.tags)
  })
}

/** Tags of many projects in one query, each list sorted by code unit (the same on both dialects,
 * unlike ORDER BY under a PostgreSQL locale collation). */
export async function loadTags(
  db: Kysely<Schema>,
  projectIds: readonly string[],
): Promise<Map<string, string[]>> {
  const byProject = new Map<string, string[]>()
  if (projectIds.length === 0) return byProject
  const rows = []
  // Chunked: SQLite binds at most 32766 parameters per statement.
  for (let i = 0; i < projectIds.length; i += 500) {
    const chunk = projectIds.slice(i, i + 500)
    rows.push(
      ...(await db
        .selectFrom('project_tag')
        .select(['project_id', 'name'])
        .where('project_id', 'in', chunk)
        .execute()),
    )
  }
  for (const row of rows) {
    const list = byProject.get(row.project_id)
    if (list) list.push(row.name)
    else byProject.set(row.project_id, [row.name])
  }
  for (const list of byProject.values()) list.sort()
  return byProject
}

export async function replaceTags(
  trx: Kysely<Schema>,
  projectId: string,
  tags: readonly string[],
): Promise<string[]> {
  const unique = [...new Set(tags)].sort()
  await trx.deleteFrom('project_tag').where('project_id', '=', projectId).execute()
  if (unique.length > 0) {
    await trx
      .insertInto('project_tag')
      .values(unique.map((name) => ({ project_id: projectId, name })))
      .execute()
  }
  return unique
}
