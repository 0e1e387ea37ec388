/**
 * Turns a Keystone 22 database into Baton's rows (the "plan"), keeping every id. Keystone splits
 * a user over `user` + `local_user` + `user_option` and a service's name into `extra`; Baton keeps
 * one row. What cannot come over (federated and other non-local users, LDAP-backed domains,
 * tables this import does not copy yet) is listed by name in `cannot`, never dropped silently.
 * @module
 */
import type { Insertable } from 'kysely'
import { isJsonObject, type JsonObject, NULL_DOMAIN_ID, ROOT_DOMAIN_ID } from '../codecs.ts'
import type {
  AccessRuleTable,
  ApplicationCredentialRoleTable,
  ApplicationCredentialTable,
  AssignmentTable,
  EndpointTable,
  GroupTable,
  ImpliedRoleTable,
  ProjectTable,
  ProjectTagTable,
  RegionTable,
  RoleTable,
  ServiceTable,
  SystemAssignmentTable,
  UserGroupMembershipTable,
  UserTable,
} from '../schema.ts'
import { checkKeystone22 } from './schema_check.ts'
import {
  type KeystoneSource,
  type SourceRow,
  sourceBool,
  sourceMicros,
  sourceText,
} from './source.ts'

export interface PlannedPassword {
  readonly user_id: string
  readonly password_hash: string
  readonly created_at: number
  readonly expires_at: number | null
  readonly self_service: boolean
}

/** An access rule and the credentials using it are joined by `external_id`, Baton's ids differ. */
export interface PlannedAccessRule extends Omit<Insertable<AccessRuleTable>, 'id'> {
  readonly external_id: string
}

export interface PlannedCredentialRule {
  readonly application_credential_id: string
  readonly external_id: string
  readonly position: number
}

export interface ImportPlan {
  /** Parents before children (a project's domain and parent come first). */
  readonly project: readonly Insertable<ProjectTable>[]
  readonly project_tag: readonly ProjectTagTable[]
  readonly user: readonly Insertable<UserTable>[]
  /** Oldest first, so the newest lands with the highest id (Baton's current password). */
  readonly password: readonly PlannedPassword[]
  readonly group: readonly Insertable<GroupTable>[]
  readonly user_group_membership: readonly UserGroupMembershipTable[]
  readonly role: readonly Insertable<RoleTable>[]
  readonly implied_role: readonly ImpliedRoleTable[]
  readonly assignment: readonly Insertable<AssignmentTable>[]
  readonly system_assignment: readonly Insertable<SystemAssignmentTable>[]
  /** Parents before children. */
  readonly region: readonly Insertable<RegionTable>[]
  readonly service: readonly Insertable<ServiceTable>[]
  readonly endpoint: readonly Insertable<EndpointTable>[]
  readonly application_credential: readonly Insertable<ApplicationCredentialTable>[]
  readonly application_credential_role: readonly ApplicationCredentialRoleTable[]
  readonly access_rule: readonly PlannedAccessRule[]
  readonly application_credential_access_rule: readonly PlannedCredentialRule[]
  /** One line per thing left behind, naming it. */
  readonly cannot: readonly string[]
}

export type PlannedTable = Exclude<keyof ImportPlan, 'cannot'>

export const PLANNED_TABLES: readonly PlannedTable[] = [
  'project',
  'project_tag',
  'user',
  'password',
  'group',
  'user_group_membership',
  'role',
  'implied_role',
  'assignment',
  'system_assignment',
  'region',
  'service',
  'endpoint',
  'application_credential',
  'application_credential_role',
  'access_rule',
  'application_credential_access_rule',
]

/** Keystone's option ids (keystone/identity/backends/resource_options.py, immutable.py). */
const USER_OPTIONS: Readonly<Record<string, string>> = {
  '1000': 'ignore_change_password_upon_first_use',
  '1001': 'ignore_password_expiry',
  '1002': 'ignore_lockout_failure_attempts',
  '1003': 'lock_password',
  '1004': 'ignore_user_inactivity',
  MFAR: 'multi_factor_auth_rules',
  MFAE: 'multi_factor_auth_enabled',
}
const IMMUTABLE_OPTIONS: Readonly<Record<string, string>> = { IMMU: 'immutable' }

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
  const rows = (table: string, orderBy?: string) =>
    tables.has(table) ? source.rows(table, orderBy) : Promise.resolve([] as SourceRow[])

  const ldapDomains = await findLdapDomains(rows, cannot)

  const projectRows = (await rows('project')).filter((row) => row.id !== ROOT_DOMAIN_ID)
  const projectOptions = optionsBy(await rows('project_option'), 'project_id', IMMUTABLE_OPTIONS)
  const project = parentsFirst(
    projectRows.map(
      (row): Insertable<ProjectTable> => ({
        id: String(row.id),
        name: String(row.name),
        domain_id: String(row.domain_id),
        parent_id: sourceText(row.parent_id),
        description: sourceText(row.description),
        enabled: sourceBool(row.enabled, true),
        is_domain: sourceBool(row.is_domain),
        options: JSON.stringify(projectOptions.get(String(row.id)) ?? {}),
        extra: jsonText(row.extra),
      }),
    ),
    (row) => [row.domain_id, row.parent_id ?? null],
  )
  const projectIds = new Set(project.map((row) => row.id))
  const project_tag = (await rows('project_tag'))
    .filter((row) => projectIds.has(String(row.project_id)))
    .map((row) => ({ project_id: String(row.project_id), name: String(row.name) }))

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

  const region = parentsFirst(
    (await rows('region', 'id')).map(
      (row): Insertable<RegionTable> => ({
        id: String(row.id),
        description: sourceText(row.description),
        parent_region_id: sourceText(row.parent_region_id),
        extra: jsonText(row.extra),
      }),
    ),
    (row) => [row.parent_region_id ?? null],
  )
  const service = (await rows('service', 'id')).map((row): Insertable<ServiceTable> => {
    // Keystone keeps a service's name and description in `extra`; Baton has columns for them.
    const { name, description, ...extra } = parseJson(row.extra)
    return {
      id: String(row.id),
      type: String(row.type ?? ''),
      name: typeof name === 'string' ? name : null,
      description: typeof description === 'string' ? description : null,
      enabled: sourceBool(row.enabled, true),
      extra: JSON.stringify(extra),
    }
  })
  const endpoint = (await rows('endpoint', 'id')).map(
    (row): Insertable<EndpointTable> => ({
      id: String(row.id),
      interface: String(row.interface),
      service_id: String(row.service_id),
      region_id: sourceText(row.region_id),
      url: String(row.url),
      enabled: sourceBool(row.enabled, true),
      extra: jsonText(row.extra),
    }),
  )

  const credentialIdByInternal = new Map<string, string>()
  const application_credential: Insertable<ApplicationCredentialTable>[] = []
  for (const row of await rows('application_credential', 'internal_id')) {
    if (!userIds.has(String(row.user_id))) {
      cannot.push(
        `application credential ${String(row.id)} (${String(row.name)}): its user ${String(row.user_id)} is not imported`,
      )
      continue
    }
    credentialIdByInternal.set(String(row.internal_id), String(row.id))
    application_credential.push({
      id: String(row.id),
      name: String(row.name),
      secret_hash: String(row.secret_hash),
      description: sourceText(row.description),
      user_id: String(row.user_id),
      project_id: sourceText(row.project_id),
      system: sourceText(row.system),
      expires_at: row.expires_at === null ? null : Number(row.expires_at),
      unrestricted: sourceBool(row.unrestricted),
      // Keystone 22 records no creation time for application credentials.
      created_at: nowMicros,
    })
  }
  const application_credential_role: ApplicationCredentialRoleTable[] = []
  for (const row of await rows('application_credential_role')) {
    const id = credentialIdByInternal.get(String(row.application_credential_id))
    if (id !== undefined && roleIds.has(String(row.role_id))) {
      application_credential_role.push({
        application_credential_id: id,
        role_id: String(row.role_id),
      })
    }
  }
  const accessRuleRows = (await rows('access_rule', 'id')).filter((row) =>
    userIds.has(String(row.user_id)),
  )
  const access_rule = accessRuleRows.map((row) => ({
    external_id: String(row.external_id),
    user_id: String(row.user_id),
    service: String(row.service ?? ''),
    path: String(row.path ?? ''),
    method: String(row.method ?? ''),
  }))
  const externalByRuleId = new Map(
    accessRuleRows.map((row) => [String(row.id), String(row.external_id)]),
  )
  const positions = new Map<string, number>()
  const application_credential_access_rule: PlannedCredentialRule[] = []
  for (const row of await rows('application_credential_access_rule', 'access_rule_id')) {
    const id = credentialIdByInternal.get(String(row.application_credential_id))
    const external = externalByRuleId.get(String(row.access_rule_id))
    if (id === undefined || external === undefined) continue
    const position = positions.get(id) ?? 0
    positions.set(id, position + 1)
    application_credential_access_rule.push({
      application_credential_id: id,
      external_id: external,
      position,
    })
  }

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

  return {
    project,
    project_tag,
    user,
    password,
    group,
    user_group_membership,
    role,
    implied_role,
    assignment,
    system_assignment,
    region,
    service,
    endpoint,
    application_credential,
    application_credential_role,
    access_rule,
    application_credential_access_rule,
    cannot,
  }
}

/** Domains whose database configuration (whitelisted_config) selects the ldap identity driver. */
async function findLdapDomains(
  rows: (table: string) => Promise<readonly SourceRow[]>,
  cannot: string[],
): Promise<readonly string[]> {
  const domains: string[] = []
  for (const row of await rows('whitelisted_config')) {
    if (row.group !== 'identity' || row.option !== 'driver') continue
    const value = parseJsonValue(row.value)
    if (typeof value === 'string' && value.toLowerCase().includes('ldap')) {
      domains.push(String(row.domain_id))
    }
  }
  if (domains.length === 0) return domains
  cannot.push(`domain_config: ${domains.length} LDAP-backed domains (${domains.join(', ')})`)
  return domains
}

function optionsBy(
  rows: readonly SourceRow[],
  key: string,
  names: Readonly<Record<string, string>>,
): Map<string, JsonObject> {
  const byOwner = new Map<string, JsonObject>()
  for (const row of rows) {
    const name = names[String(row.option_id)]
    if (name === undefined) continue
    const owner = String(row[key])
    const options = byOwner.get(owner) ?? {}
    const value = parseJsonValue(row.option_value)
    if (value !== undefined) options[name] = value as JsonObject[string]
    byOwner.set(owner, options)
  }
  return byOwner
}

function parseJsonValue(value: unknown): unknown {
  if (value === null || value === undefined) return null
  if (typeof value !== 'string') return value
  try {
    return JSON.parse(value)
  } catch {
    return undefined
  }
}

function parseJson(value: unknown): JsonObject {
  const parsed = parseJsonValue(value)
  return isJsonObject(parsed) ? parsed : {}
}

function jsonText(value: unknown): string {
  return JSON.stringify(parseJson(value))
}

/** Orders rows so every row's referenced ids (when among the rows) come before it. */
function parentsFirst<Row extends { id: string }>(
  rows: readonly Row[],
  parents: (row: Row) => readonly (string | null)[],
): Row[] {
  const byId = new Map(rows.map((row) => [row.id, row]))
  const placed = new Set<string>()
  const ordered: Row[] = []
  const visit = (row: Row, depth: number) => {
    if (placed.has(row.id) || depth > rows.length) return
    for (const parent of parents(row)) {
      const parentRow = parent === null || parent === row.id ? undefined : byId.get(parent)
      if (parentRow !== undefined) visit(parentRow, depth + 1)
    }
    if (placed.has(row.id)) return
    placed.add(row.id)
    ordered.push(row)
  }
  for (const row of rows) visit(row, 0)
  return ordered
}
