/**
 * Keystone's delete cascades, in one place. Each helper runs inside the caller's transaction and
 * removes what the database's own ON DELETE CASCADE cannot reach: assignment rows, whose actors
 * (user or group) and targets (project or domain) are polymorphic and so have no foreign key.
 *   delete user    → assignments as actor, memberships*, passwords*, application credentials*
 *   delete group   → assignments as actor, memberships*
 *   delete project → assignments on it, tags*, application credentials on it
 *   delete domain  → all of the above for its projects, users and groups, its domain roles, and
 *                    assignments on the domain itself
 *   delete role    → assignments, implications*, application-credential roles*
 * (* = foreign key ON DELETE CASCADE.) Revocation events are not written here: the core layer
 * records them, in the same `store.transaction()` when it wants both or neither.
 * @module
 */
import { type Kysely, MysqlAdapter } from 'kysely'
import type { Schema } from './schema.ts'

type Db = Kysely<Schema>

function isMysql(trx: Db): boolean {
  return trx.getExecutor().adapter instanceof MysqlAdapter
}

/**
 * MySQL only: deletes project rows (projects and domains) that may reference each other through
 * parent_id and domain_id. SQLite and PostgreSQL check those foreign keys at the statement's end,
 * so one statement does; InnoDB checks them row by row, so here the rows go leaves first, one
 * level per statement.
 */
async function deleteProjectsLeavesFirst(trx: Db, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return
  const rows = await trx
    .selectFrom('project')
    .select(['id', 'parent_id', 'domain_id'])
    .where('id', 'in', ids)
    .execute()
  let remaining = rows
  while (remaining.length > 0) {
    const referenced = new Set<string>()
    for (const row of remaining) {
      if (row.parent_id !== null && row.parent_id !== row.id) referenced.add(row.parent_id)
      if (row.domain_id !== row.id) referenced.add(row.domain_id)
    }
    const leaves = remaining.filter((row) => !referenced.has(row.id))
    // A cycle (corrupt data) has no leaf: let the database refuse the rest in one statement.
    const batch = leaves.length > 0 ? leaves : remaining
    await trx
      .deleteFrom('project')
      .where(
        'id',
        'in',
        batch.map((row) => row.id),
      )
      .execute()
    const gone = new Set(batch.map((row) => row.id))
    remaining = remaining.filter((row) => !gone.has(row.id))
  }
}

async function deleteAssignmentsOfActors(trx: Db, actorIds: readonly string[]): Promise<void> {
  if (actorIds.length === 0) return
  await trx.deleteFrom('assignment').where('actor_id', 'in', actorIds).execute()
  await trx.deleteFrom('system_assignment').where('actor_id', 'in', actorIds).execute()
}

export async function deleteUsers(trx: Db, userIds: readonly string[]): Promise<void> {
  if (userIds.length === 0) return
  await deleteAssignmentsOfActors(trx, userIds)
  await deleteApplicationCredentialsOf(trx, userIds)
  await trx.deleteFrom('user').where('id', 'in', userIds).execute()
}

/**
 * A user's application credentials go before the user: their access-rule links (cascading from
 * the credential) must be gone before the rules (cascading from the user), which the links
 * reference without a cascade. PostgreSQL and SQLite check that at the statement's end; InnoDB
 * checks it per cascaded row, in an order of its own.
 */
async function deleteApplicationCredentialsOf(
  trx: Db,
  userIds: readonly string[] | ReturnType<typeof usersOfDomain>,
): Promise<void> {
  await trx.deleteFrom('application_credential').where('user_id', 'in', userIds).execute()
}

function usersOfDomain(trx: Db, domainId: string) {
  return trx.selectFrom('user').select('id').where('domain_id', '=', domainId)
}

export async function deleteGroups(trx: Db, groupIds: readonly string[]): Promise<void> {
  if (groupIds.length === 0) return
  await deleteAssignmentsOfActors(trx, groupIds)
  await trx.deleteFrom('group').where('id', 'in', groupIds).execute()
}

/** Deletes the given projects together (a whole subtree may go in one statement). */
export async function deleteProjects(trx: Db, projectIds: readonly string[]): Promise<void> {
  if (projectIds.length === 0) return
  await trx.deleteFrom('assignment').where('target_id', 'in', projectIds).execute()
  await trx.deleteFrom('application_credential').where('project_id', 'in', projectIds).execute()
  if (isMysql(trx)) await deleteProjectsLeavesFirst(trx, projectIds)
  else await trx.deleteFrom('project').where('id', 'in', projectIds).execute()
}

/** Set-based, so a domain with many thousands of users costs the same few statements. */
export async function deleteDomain(trx: Db, domainId: string): Promise<void> {
  const usersOf = usersOfDomain(trx, domainId)
  const groupsOf = trx.selectFrom('group').select('id').where('domain_id', '=', domainId)
  const projectsOf = trx.selectFrom('project').select('id').where('domain_id', '=', domainId)
  for (const table of ['assignment', 'system_assignment'] as const) {
    await trx
      .deleteFrom(table)
      .where((eb) => eb.or([eb('actor_id', 'in', usersOf), eb('actor_id', 'in', groupsOf)]))
      .execute()
  }
  await deleteApplicationCredentialsOf(trx, usersOf)
  await trx.deleteFrom('user').where('domain_id', '=', domainId).execute()
  await trx.deleteFrom('group').where('domain_id', '=', domainId).execute()
  await trx.deleteFrom('role').where('domain_id', '=', domainId).execute()
  await trx
    .deleteFrom('assignment')
    .where((eb) => eb.or([eb('target_id', 'in', projectsOf), eb('target_id', '=', domainId)]))
    .execute()
  await trx.deleteFrom('application_credential').where('project_id', 'in', projectsOf).execute()
  if (isMysql(trx)) {
    const rows = await trx
      .selectFrom('project')
      .select('id')
      .where((eb) => eb.or([eb('domain_id', '=', domainId), eb('id', '=', domainId)]))
      .execute()
    await deleteProjectsLeavesFirst(
      trx,
      rows.map((row) => row.id),
    )
    return
  }
  // Projects and the domain row in one statement: foreign keys are checked at its end, when
  // nothing references any of them any more.
  await trx
    .deleteFrom('project')
    .where((eb) => eb.or([eb('domain_id', '=', domainId), eb('id', '=', domainId)]))
    .execute()
}
