/**
 * Turns a Keystone 22 database into Baton's rows (the "plan"), keeping every id. Keystone splits
 * a user over `user` + `local_user` + `user_option` and a service's name into `extra`; Baton keeps
 * one row. What cannot come over (federated and other non-local users, LDAP-backed domains,
 * tables this import does not copy yet) is listed by name in `cannot`, never dropped silently.
 * One module per area builds its rows (plan_resource, plan_identity, plan_assignment,
 * plan_catalog, plan_app_credentials, plan_credentials, plan_trusts, plan_limits,
 * plan_endpoint_filter, plan_revocations); this one reads them in order and reports the rest,
 * including tables a Keystone 22 does not have (named, never silently skipped).
 * @module
 */

import { planApplicationCredentials } from './plan_app_credentials.ts'
import { planRolesAndAssignments } from './plan_assignment.ts'
import { planCatalog } from './plan_catalog.ts'
import { planCredentials } from './plan_credentials.ts'
import { planEndpointFilter } from './plan_endpoint_filter.ts'
import { planUsersAndGroups } from './plan_identity.ts'
import { planLimits } from './plan_limits.ts'
import { findLdapDomains, planProjects } from './plan_resource.ts'
import { planRevocations } from './plan_revocations.ts'
import type { SourceRows } from './plan_rows.ts'
import { planTrusts } from './plan_trusts.ts'
import type { ImportPlan } from './plan_types.ts'
import { checkKeystone22, REQUIRED_TABLES } from './schema_check.ts'
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
  'idp_remote_ids',
  'whitelisted_config',
  'sensitive_config',
]

/** Keystone 22's other tables: read by the plan modules, or bookkeeping with nothing to copy. */
const KNOWN: ReadonlySet<string> = new Set([
  ...REQUIRED_TABLES,
  'alembic_version',
  'local_user',
  'user_option',
  'project_option',
  'project_tag',
  'role_option',
  'federated_user',
  'nonlocal_user',
  'credential',
  'trust',
  'trust_role',
  'registered_limit',
  'limit',
  'endpoint_group',
  'project_endpoint_group',
  'project_endpoint',
  'revocation_event',
  // the SQL token backend's table (unused by Fernet tokens) and the domain-config registry
  'token',
  'config_register',
])

export interface PlanTimes {
  readonly nowMicros: number
  /** `[token] expiration + allow_expired_window`: how long a revocation event can matter. */
  readonly revocationWindowMicros: number
}

export async function planImport(source: KeystoneSource, times: PlanTimes): Promise<ImportPlan> {
  const { nowMicros } = times
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
  const credential = await planCredentials(rows, cannot, { userIds, projectIds })
  const { spent, ...trusts } = await planTrusts(
    rows,
    cannot,
    { userIds, projectIds, roleIds },
    nowMicros,
  )
  if (spent > 0) {
    cannot.push(
      `trust: ${spent} deleted, expired or used-up trusts (Keystone no longer honours them; left behind)`,
    )
  }
  const serviceIds = new Set(catalog.service.map((row) => row.id))
  const endpointIds = new Set(catalog.endpoint.map((row) => row.id))
  const limits = await planLimits(rows, cannot, { projectIds, serviceIds })
  const endpointFilter = await planEndpointFilter(rows, { projectIds, endpointIds })
  const { outdated, ...revocations } = await planRevocations(
    rows,
    nowMicros,
    times.revocationWindowMicros,
  )
  if (outdated > 0) {
    cannot.push(
      `revocation_event: ${outdated} events too old to revoke any token still presentable (left behind)`,
    )
  }

  for (const table of NOT_COPIED) {
    if (!tables.has(table)) continue
    const count = (await source.rows(table)).length
    if (count > 0) cannot.push(`${table}: ${count} rows (this import does not copy ${table} yet)`)
  }
  for (const table of [...tables].sort()) {
    if (KNOWN.has(table) || NOT_COPIED.includes(table)) continue
    const count = (await source.rows(table)).length
    if (count > 0)
      cannot.push(`${table}: ${count} rows (a table Keystone 22 does not have: not copied)`)
  }
  for (const domain of ldapDomains) {
    if (!projectIds.has(domain)) continue
    cannot.push(
      `domain ${domain}: its users and groups live in LDAP; the domain is imported, its LDAP configuration is not (configure [identity] domain-specific drivers at Baton)`,
    )
  }

  return {
    ...resource,
    ...identity,
    ...assignment,
    ...catalog,
    ...credentials,
    ...credential,
    ...trusts,
    ...limits,
    ...endpointFilter,
    ...revocations,
    cannot,
  }
}
