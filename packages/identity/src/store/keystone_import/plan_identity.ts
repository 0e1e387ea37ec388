/**
 * Keystone's users, split over `user` + `local_user` + `user_option`, become one Baton row each
 * with their whole password history; federated and other non-local users are named in `cannot`.
 * Groups and their memberships (of imported users) follow.
 * @module
 */
import type { Insertable } from 'kysely'
import type { GroupTable, UserGroupMembershipTable, UserTable } from '../schema.ts'
import { jsonText, optionsBy, type SourceRows, USER_OPTIONS } from './plan_rows.ts'
import type { PlannedPassword } from './plan_types.ts'
import { sourceBool, sourceMicros, sourceText } from './source.ts'

export async function planUsersAndGroups(
  rows: SourceRows,
  cannot: string[],
  nowMicros: number,
): Promise<{
  user: Insertable<UserTable>[]
  password: PlannedPassword[]
  group: Insertable<GroupTable>[]
  user_group_membership: UserGroupMembershipTable[]
  userIds: ReadonlySet<string>
}> {
  const localUsers = new Map((await rows('local_user')).map((row) => [String(row.user_id), row]))
  const userOptions = optionsBy(await rows('user_option'), 'user_id', USER_OPTIONS)
  const federated = new Map((await rows('federated_user')).map((row) => [String(row.user_id), row]))
  const nonlocal = new Map((await rows('nonlocal_user')).map((row) => [String(row.user_id), row]))
  const user: Insertable<UserTable>[] = []
  const localIdToUser = new Map<string, string>()
  for (const row of await rows('user', 'id')) {
    const id = String(row.id)
    const local = localUsers.get(id)
    if (local === undefined) {
      const fed = federated.get(id)
      const name = fed?.display_name ?? fed?.unique_id ?? nonlocal.get(id)?.name ?? '?'
      cannot.push(
        fed !== undefined
          ? `user ${id} (${String(name)}): a federated user (identity provider ${String(fed.idp_id)}); it is created again at its next federated login`
          : `user ${id} (${String(name)}): not a local user (nonlocal_user, e.g. an LDAP or federated shadow user)`,
      )
      continue
    }
    localIdToUser.set(String(local.id), id)
    user.push({
      id,
      name: String(local.name),
      domain_id: String(row.domain_id),
      enabled: sourceBool(row.enabled, true),
      default_project_id: sourceText(row.default_project_id),
      options: JSON.stringify(userOptions.get(id) ?? {}),
      extra: jsonText(row.extra),
      created_at: sourceMicros(row.created_at) ?? nowMicros,
      last_active_at: sourceMicros(row.last_active_at),
      failed_auth_count: Number(local.failed_auth_count ?? 0),
      failed_auth_at: sourceMicros(local.failed_auth_at),
    })
  }
  const userIds = new Set(user.map((row) => row.id))
  const password: PlannedPassword[] = []
  for (const row of await rows('password', 'id')) {
    const userId = localIdToUser.get(String(row.local_user_id))
    if (userId === undefined || row.password_hash === null || row.password_hash === undefined) {
      continue
    }
    const createdInt = Number(row.created_at_int ?? 0)
    const expiresInt = row.expires_at_int === null ? null : Number(row.expires_at_int)
    password.push({
      user_id: userId,
      password_hash: String(row.password_hash),
      created_at: createdInt > 0 ? createdInt : (sourceMicros(row.created_at) ?? nowMicros),
      expires_at: expiresInt ?? sourceMicros(row.expires_at),
      self_service: sourceBool(row.self_service),
    })
  }

  const group = (await rows('group', 'id')).map(
    (row): Insertable<GroupTable> => ({
      id: String(row.id),
      name: String(row.name),
      domain_id: String(row.domain_id),
      description: sourceText(row.description),
      extra: jsonText(row.extra),
    }),
  )
  const groupIds = new Set(group.map((row) => row.id))
  const user_group_membership = (await rows('user_group_membership'))
    .map((row) => ({ user_id: String(row.user_id), group_id: String(row.group_id) }))
    .filter((row) => userIds.has(row.user_id) && groupIds.has(row.group_id))

  return { user, password, group, user_group_membership, userIds }
}
