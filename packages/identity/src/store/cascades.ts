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
import type { Kysely } from 'kysely'
import type { Schema } from './schema.ts'

type Db = Kysely<Schema>

async function deleteAssignmentsOfActors(trx: Db, actorIds: readonly string[]): Promise<void> {
  if (actorIds.length === 0) return
  await trx.deleteFrom('assignment').where('actor_id', 'in', actorIds).execute()
  await trx.deleteFrom('system_assignment').where('actor_id', 'in', actorIds).execute()
}

export async function deleteUsers(trx: Db, userIds: readonly string[]): Promise<void> {
  if (userIds.length === 0) return
  await deleteAssignmentsOfActors(trx, userIds)
  await trx.deleteFrom('user').where('id', 'in', userIds).execute()
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
  await trx.deleteFrom('project').where('id', 'in', projectIds).execute()
}

/** Set-based, so a domain with many thousands of users costs the same few statements. */
export async function deleteDomain(trx: Db, domainId: string): Promise<void> {
  const usersOf = trx.selectFrom('user').select('id').where('domain_id', '=', domainId)
  const groupsOf = trx.selectFrom('group').select('id').where('domain_id', '=', domainId)
  const projectsOf = trx.selectFrom('project').select('id').where('domain_id', '=', domainId)
  for (const table of ['assignment', 'system_assignment'] as const) {
    await trx
      .deleteFrom(table)
      .where((eb) => eb.or([eb('actor_id', 'in', usersOf), eb('actor_id', 'in', groupsOf)]))
      .execute()
  }
  await trx.deleteFrom('user').where('domain_id', '=', domainId).execute()
  await trx.deleteFrom('group').where('domain_id', '=', domainId).execute()
  await trx.deleteFrom('role').where('domain_id', '=', domainId).execute()
  await trx
    .deleteFrom('assignment')
    .where((eb) => eb.or([eb('target_id', 'in', projectsOf), eb('target_id', '=', domainId)]))
    .execute()
  await trx.deleteFrom('application_credential').where('project_id', 'in', projectsOf).execute()
  // Projects and the domain row in one statement: foreign keys are checked at its end, when
  // nothing references any of them any more.
  await trx
    .deleteFrom('project')
    .where((eb) => eb.or([eb('domain_id', '=', domainId), eb('id', '=', domainId)]))
    .execute()
}
