/**
 * The shape of an import plan: Baton's rows for each table the import writes, in write order,
 * and what cannot come over. Produced by `planImport` (plan.ts), written by write.ts.
 * @module
 */
import type { Insertable } from 'kysely'
import type {
  AccessRuleTable,
  ApplicationCredentialRoleTable,
  ApplicationCredentialTable,
  AssignmentTable,
  CredentialTable,
  EndpointGroupTable,
  EndpointTable,
  GroupTable,
  ImpliedRoleTable,
  LimitTable,
  ProjectEndpointGroupTable,
  ProjectEndpointTable,
  ProjectTable,
  ProjectTagTable,
  RegionTable,
  RegisteredLimitTable,
  RoleTable,
  ServiceTable,
  SystemAssignmentTable,
  TrustRoleTable,
  TrustTable,
  UserGroupMembershipTable,
  UserTable,
} from '../schema.ts'
import type { PlannedRevocationEvent } from './plan_revocations.ts'

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
  /** Encrypted blobs as Keystone stored them (same format and keys as Baton's). */
  readonly credential: readonly Insertable<CredentialTable>[]
  /** Only trusts Keystone still honours. */
  readonly trust: readonly Insertable<TrustTable>[]
  readonly trust_role: readonly TrustRoleTable[]
  readonly registered_limit: readonly Insertable<RegisteredLimitTable>[]
  readonly limit: readonly Insertable<LimitTable>[]
  readonly endpoint_group: readonly Insertable<EndpointGroupTable>[]
  readonly project_endpoint_group: readonly ProjectEndpointGroupTable[]
  readonly project_endpoint: readonly ProjectEndpointTable[]
  /** Only events that can still revoke a token someone could present. */
  readonly revocation_event: readonly PlannedRevocationEvent[]
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
  'credential',
  'trust',
  'trust_role',
  'registered_limit',
  'limit',
  'endpoint_group',
  'project_endpoint_group',
  'project_endpoint',
  'revocation_event',
]
