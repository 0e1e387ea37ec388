/**
 * Turns a Keystone 22 database into Baton's rows (the "plan"), keeping every id. Keystone splits
 * a user over `user` + `local_user` + `user_option` and a service's name into `extra`; Baton keeps
 * one row. What cannot come over (federated and other non-local users, LDAP-backed domains,
 * tables this import does not copy yet) is listed by name in `cannot`, never dropped silently.
 * One module per area builds its rows (plan_resource, plan_identity, plan_assignment,
 * plan_catalog, plan_app_credentials); this one reads them in order and reports the rest.
 * @module
 */

import { planApplicationCredentials } from './plan_app_credentials.ts'
import { planRolesAndAssignments } from './plan_assignment.ts'
import { planCatalog } from './plan_catalog.ts'
import { planUsersAndGroups } from './plan_identity.ts'
import { findLdapDomains, planProjects } from './plan_resource.ts'
import type { SourceRows } from './plan_rows.ts'
import type { ImportPlan } from './plan_types.ts'
import { checkKeystone22 } from './schema_check.ts'
import type { KeystoneSource, SourceRow } from './source.ts'

export {
  type ImportPlan,
  PLANNED_TABLES,
  type PlannedAccessRule,
  type PlannedCredentialRule,
  type PlannedPassword,
  type PlannedTable,
} from './plan_types.ts'

/** Keystone tables with rows this import does not copy (yet): reported when non-empty. */
const NOT_COPIED: readonly string[] = [
  'credential',
  'trust',
  'trust_role',
  'limit',
  'registered_limit',
  'endpoint_group',
  'project_endpoint_group',
  'project_endpoint',
  'revocation_event',
  'policy',
  'policy_association',
  'identity_provider',
  'federation_protocol',
  'mapping',
  'service_provider',
  'consumer',
  'request_token',
  'access_token',
  'id_mapping',
  'expiring_user_group_membership',
]

export async function planImport(source: KeystoneSource, nowMicros: number): Promise<ImportPlan> {
  const tables = await checkKeystone22(source)
  const cannot: string[] = []
  const rows: SourceRows = (table, orderBy) =>
    tables.has(table) ? source.rows(table, orderBy) : Promise.resolve([] as SourceRow[])

  // read in this order: what cannot come over is listed in the order it is found
  const ldapDomains = await findLdapDomains(rows, cannot)
  const { projectIds, ...resource } = await planProjects(rows)
  const { userIds, ...identity } = await planUsersAndGroups(rows, cannot, nowMicros)
  const { roleIds, ...assignment } = await planRolesAndAssignments(rows)
  const catalog = await planCatalog(rows)
  const credentials = await planApplicationCredentials(
    rows,
    cannot,
    { userIds, roleIds },
    nowMicros,
  )

  for (const table of NOT_COPIED) {
    if (!tables.has(table)) continue
    const count = (await source.rows(table)).length
    if (count > 0) cannot.push(`${table}: ${count} rows (this import does not copy ${table} yet)`)
  }
  for (const domain of ldapDomains) {
    if (!projectIds.has(domain)) continue
    cannot.push(
      `domain ${domain}: its users and groups live in LDAP; the domain is imported, its LDAP configuration is not (configure [identity] domain-specific drivers at Baton)`,
    )
  }

  return { ...resource, ...identity, ...assignment, ...catalog, ...credentials, cannot }
}
