/**
 * Keystone's roles (with their options), implied roles, and every assignment of an imported role:
 * project, domain, group, inherited and system ones.
 * @module
 */
import type { Insertable } from 'kysely'
import { NULL_DOMAIN_ID } from '../codecs.ts'
import type {
  AssignmentTable,
  ImpliedRoleTable,
  RoleTable,
  SystemAssignmentTable,
} from '../schema.ts'
import { IMMUTABLE_OPTIONS, jsonText, optionsBy, type SourceRows } from './plan_rows.ts'
import { sourceBool, sourceText } from './source.ts'

export async function planRolesAndAssignments(rows: SourceRows): Promise<{
  role: Insertable<RoleTable>[]
  implied_role: ImpliedRoleTable[]
  assignment: Insertable<AssignmentTable>[]
  system_assignment: Insertable<SystemAssignmentTable>[]
  roleIds: ReadonlySet<string>
}> {
  const roleOptions = optionsBy(await rows('role_option'), 'role_id', IMMUTABLE_OPTIONS)
  const role = (await rows('role', 'id')).map(
    (row): Insertable<RoleTable> => ({
      id: String(row.id),
      name: String(row.name),
      domain_id: sourceText(row.domain_id) ?? NULL_DOMAIN_ID,
      description: sourceText(row.description),
      options: JSON.stringify(roleOptions.get(String(row.id)) ?? {}),
      extra: jsonText(row.extra),
    }),
  )
  const roleIds = new Set(role.map((row) => row.id))
  const implied_role = (await rows('implied_role')).map((row) => ({
    prior_role_id: String(row.prior_role_id),
    implied_role_id: String(row.implied_role_id),
  }))
  const assignment = (await rows('assignment'))
    .filter((row) => roleIds.has(String(row.role_id)))
    .map(
      (row): Insertable<AssignmentTable> => ({
        type: String(row.type) as AssignmentTable['type'],
        actor_id: String(row.actor_id),
        target_id: String(row.target_id),
        role_id: String(row.role_id),
        inherited: sourceBool(row.inherited),
      }),
    )
  const system_assignment = (await rows('system_assignment'))
    .filter((row) => roleIds.has(String(row.role_id)))
    .map(
      (row): Insertable<SystemAssignmentTable> => ({
        type: String(row.type) as SystemAssignmentTable['type'],
        actor_id: String(row.actor_id),
        target_id: String(row.target_id),
        role_id: String(row.role_id),
        inherited: sourceBool(row.inherited),
      }),
    )

  return { role, implied_role, assignment, system_assignment, roleIds }
}
