/**
 * Deleting at Baton what Keystone deleted since the last import, safely: an entity goes only if
 * the previous import brought it (`keystone_import_row`, migration 0019) and the source no longer
 * has it. Entities Baton created itself are never in that table, so never deleted here.
 * @module
 */
import { type Kysely, sql } from 'kysely'
import type { Schema } from '../schema.ts'
import type { ImportPlan } from './plan.ts'

/** The entity tables an import tracks, in the order their stale rows are deleted. */
export const TRACKED = [
  'credential',
  'trust',
  'limit',
  'registered_limit',
  'endpoint_group',
  'application_credential',
  'access_rule',
  'endpoint',
  'service',
  'region',
  'user',
  'group',
  'role',
  'project',
] as const
export type TrackedTable = (typeof TRACKED)[number]

type Db = Kysely<Schema>

/** The tracked ids in the plan (access rules by their public `external_id`). */
export function plannedIds(plan: ImportPlan): Map<TrackedTable, Set<string>> {
  const ids = new Map<TrackedTable, Set<string>>()
  for (const table of TRACKED) {
    const rows: readonly object[] = plan[table]
    ids.set(
      table,
      new Set(
        rows.map((row) =>
          String((row as Record<string, unknown>)[table === 'access_rule' ? 'external_id' : 'id']),
        ),
      ),
    )
  }
  return ids
}

/** Ids the previous import brought that the source no longer has, per table. */
export async function staleIds(db: Db, plan: ImportPlan): Promise<Map<TrackedTable, string[]>> {
  const current = plannedIds(plan)
  const previous = await db.selectFrom('keystone_import_row').selectAll().execute()
  const stale = new Map<TrackedTable, string[]>(TRACKED.map((table) => [table, []]))
  for (const row of previous) {
    const table = row.table_name as TrackedTable
    if (current.get(table)?.has(row.id) === false) stale.get(table)?.push(row.id)
  }
  return stale
}

async function deleteIn(db: Db, table: string, column: string, ids: readonly string[]) {
  for (let start = 0; start < ids.length; start += 400) {
    const part = ids.slice(start, start + 400)
    await sql`delete from ${sql.table(table)} where ${sql.ref(column)} in (${sql.join(part)})`.execute(
      db,
    )
  }
}

/** Deletes the stale entities and what hangs off them (before the upserts free their names). */
export async function deleteStale(db: Db, stale: Map<TrackedTable, string[]>): Promise<void> {
  const of = (table: TrackedTable) => stale.get(table) ?? []
  await deleteIn(db, 'credential', 'id', of('credential'))
  await deleteIn(db, 'trust_role', 'trust_id', of('trust'))
  await deleteIn(db, 'trust', 'id', of('trust'))
  await deleteIn(db, 'limit', 'id', of('limit'))
  await deleteIn(db, 'registered_limit', 'id', of('registered_limit'))
  // an endpoint group's project associations go with it (ON DELETE CASCADE)
  await deleteIn(db, 'endpoint_group', 'id', of('endpoint_group'))
  await deleteIn(db, 'application_credential', 'id', of('application_credential'))
  const rules = of('access_rule')
  if (rules.length > 0) {
    const ruleIds = await db
      .selectFrom('access_rule')
      .select('id')
      .where('external_id', 'in', rules)
      .execute()
    const numeric = ruleIds.map((row) => row.id)
    if (numeric.length > 0) {
      await db
        .deleteFrom('application_credential_access_rule')
        .where('access_rule_id', 'in', numeric)
        .execute()
    }
    await deleteIn(db, 'access_rule', 'external_id', rules)
  }
  await deleteIn(db, 'endpoint', 'id', of('endpoint'))
  await deleteIn(db, 'service', 'id', of('service'))
  await deleteLeavesFirst(db, 'region', ['parent_region_id'], of('region'))
  // Assignments name their actor and target without a foreign key: they go with them.
  const actors = [...of('user'), ...of('group')]
  await deleteIn(db, 'assignment', 'actor_id', actors)
  await deleteIn(db, 'system_assignment', 'actor_id', actors)
  await deleteIn(db, 'assignment', 'target_id', of('project'))
  // A user's application credentials go before the user: their access-rule links (cascading
  // from the credential) must be gone before the user's access rules (cascading from the user),
  // which the links reference without a cascade. InnoDB checks that row by row, in its own order.
  await deleteIn(db, 'application_credential', 'user_id', of('user'))
  await deleteIn(db, 'user', 'id', of('user'))
  await deleteIn(db, 'group', 'id', of('group'))
  await deleteIn(db, 'role', 'id', of('role'))
  await deleteIn(db, 'project_tag', 'project_id', of('project'))
  await deleteLeavesFirst(db, 'project', ['parent_id', 'domain_id'], of('project'))
}

/** Records this import's ids, the next re-run's reference. */
export async function recordImported(db: Db, plan: ImportPlan): Promise<void> {
  await db.deleteFrom('keystone_import_row').execute()
  const rows = [...plannedIds(plan)].flatMap(([table, ids]) =>
    [...ids].map((id) => ({ table_name: table, id })),
  )
  for (let start = 0; start < rows.length; start += 400) {
    await db
      .insertInto('keystone_import_row')
      .values(rows.slice(start, start + 400))
      .execute()
  }
}

/**
 * Deletes a hierarchy's rows children first, one level per statement: a parent cannot go while a
 * row points at it. SQLite and PostgreSQL check that at the statement's end, InnoDB row by row,
 * so on MySQL/MariaDB one statement holding a parent and its child may fail. A project points at
 * its parent and at its domain (both project rows).
 */
async function deleteLeavesFirst(
  db: Db,
  table: 'region' | 'project',
  parentColumns: readonly string[],
  ids: readonly string[],
): Promise<void> {
  let remaining = [...ids]
  while (remaining.length > 0) {
    const blocked = new Set<string>()
    for (const column of parentColumns) {
      for (let start = 0; start < remaining.length; start += 400) {
        const part = remaining.slice(start, start + 400)
        const parents = await sql<{ parent: string }>`select distinct ${sql.ref(column)} as parent
          from ${sql.table(table)} where ${sql.ref(column)} in (${sql.join(part)})
          and ${sql.ref('id')} <> ${sql.ref(column)}`.execute(db)
        for (const row of parents.rows) blocked.add(row.parent)
      }
    }
    const leaves = remaining.filter((id) => !blocked.has(id))
    if (leaves.length === 0) {
      // A parent still referenced by a row not being deleted: let the foreign key name it.
      await deleteIn(db, table, 'id', remaining)
      return
    }
    await deleteIn(db, table, 'id', leaves)
    remaining = remaining.filter((id) => blocked.has(id))
  }
}
