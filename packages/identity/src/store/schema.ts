/**
 * The kysely view of the identity schema built by `migrations/`: one interface per table.
 * Column names follow Keystone's tables. Booleans read back as 0/1 on SQLite and true/false on
 * PostgreSQL (decode with `asBool`); timestamps are BIGINT microseconds (see `timestamps.ts`);
 * `extra` and `options` are JSON text.
 * @module
 */
import type { Generated } from 'kysely'
import type { BoolColumn } from './bool_column.ts'
import type {
  CacheGenerationTable,
  DelegationTable,
  FernetKeySetTable,
  FernetKeyTable,
  FleetLeaseTable,
  FleetNodeTable,
  KeystoneImportRowTable,
} from './schema_baton.ts'

/** Domains live here too (`is_domain`), under the ROOT_DOMAIN_ID row. */
export interface ProjectTable {
  id: string
  name: string
  domain_id: string
  parent_id: string | null
  description: string | null
  enabled: BoolColumn
  is_domain: BoolColumn
  options: string
  extra: string
}

export interface ProjectTagTable {
  project_id: string
  name: string
}

export interface UserTable {
  id: string
  name: string
  domain_id: string
  enabled: BoolColumn
  default_project_id: string | null
  options: string
  extra: string
  created_at: number
  last_active_at: number | null
  failed_auth_count: number
  failed_auth_at: number | null
}

/** Password history; the user's current password is the row with the highest id. */
export interface PasswordTable {
  id: Generated<number>
  user_id: string
  password_hash: string
  created_at: number
  expires_at: number | null
  self_service: BoolColumn
}

export interface GroupTable {
  id: string
  name: string
  domain_id: string
  description: string | null
  extra: string
}

export interface UserGroupMembershipTable {
  user_id: string
  group_id: string
}

export interface RoleTable {
  id: string
  name: string
  /** NULL_DOMAIN_ID for global roles. */
  domain_id: string
  description: string | null
  options: string
  extra: string
}

export interface ImpliedRoleTable {
  prior_role_id: string
  implied_role_id: string
}

/** Keystone's assignment types, e.g. 'UserProject'. */
export type AssignmentType = 'UserProject' | 'GroupProject' | 'UserDomain' | 'GroupDomain'
export type SystemAssignmentType = 'UserSystem' | 'GroupSystem'

export interface AssignmentTable {
  type: AssignmentType
  actor_id: string
  target_id: string
  role_id: string
  inherited: BoolColumn
}

export interface SystemAssignmentTable {
  type: SystemAssignmentType
  actor_id: string
  /** Always 'system' (Keystone's only system target, rendered as `{"system": {"all": true}}`). */
  target_id: string
  role_id: string
  inherited: BoolColumn
}

export interface ServiceTable {
  id: string
  type: string
  name: string | null
  description: string | null
  enabled: BoolColumn
  extra: string
}

export interface RegionTable {
  id: string
  description: string | null
  parent_region_id: string | null
  extra: string
}

export interface EndpointTable {
  id: string
  interface: string
  service_id: string
  region_id: string | null
  url: string
  enabled: BoolColumn
  extra: string
}

export interface ApplicationCredentialTable {
  id: string
  name: string
  secret_hash: string
  description: string | null
  user_id: string
  project_id: string | null
  system: string | null
  expires_at: number | null
  unrestricted: BoolColumn
  created_at: number
}

export interface ApplicationCredentialRoleTable {
  application_credential_id: string
  role_id: string
}

/** keystone AccessRuleModel: `external_id` is the rule's public ID. */
export interface AccessRuleTable {
  id: Generated<number>
  external_id: string
  user_id: string
  service: string
  path: string
  method: string
}

/** The credential's rules, in the order the credential listed them. */
export interface ApplicationCredentialAccessRuleTable {
  application_credential_id: string
  access_rule_id: number
  position: number
}

/** keystone/revoke/backends/sql.py RevocationEvent, with times as BIGINT microseconds. */
export interface RevocationEventTable {
  id: Generated<number>
  domain_id: string | null
  project_id: string | null
  user_id: string | null
  role_id: string | null
  trust_id: string | null
  consumer_id: string | null
  access_token_id: string | null
  issued_before: number
  expires_at: number | null
  revoked_at: number
  audit_id: string | null
  audit_chain_id: string | null
}

/** OS-EP-FILTER (migration 0011); `filters` is a JSON object. */
export interface EndpointGroupTable {
  id: string
  name: string
  description: string | null
  filters: string
}

export interface ProjectEndpointTable {
  endpoint_id: string
  project_id: string
}

export interface ProjectEndpointGroupTable {
  endpoint_group_id: string
  project_id: string
}

/** Domain-specific configuration (migration 0012); `value` is JSON. */
export interface DomainConfigTable {
  domain_id: string
  group_name: string
  option_name: string
  value: string
  sensitive: BoolColumn
}

/** keystone/trust/backends/sql.py TrustModel (times as BIGINT microseconds). */
export interface TrustTable {
  id: string
  trustor_user_id: string
  trustee_user_id: string
  project_id: string | null
  impersonation: BoolColumn
  deleted_at: number | null
  expires_at: number | null
  remaining_uses: number | null
  redelegated_trust_id: string | null
  redelegation_count: number | null
  extra: string
}

export interface TrustRoleTable {
  trust_id: string
  role_id: string
}

/** Keystone's `credential` table: the blob only encrypted, with the hash of its key. */
export interface CredentialTable {
  id: string
  user_id: string
  project_id: string | null
  type: string
  encrypted_blob: string
  key_hash: string
  extra: string
}

export interface RegisteredLimitTable {
  id: string
  service_id: string
  region_id: string | null
  resource_name: string
  default_limit: number
  description: string | null
}

export interface LimitTable {
  id: string
  project_id: string | null
  domain_id: string | null
  registered_limit_id: string
  resource_limit: number
  description: string | null
}

/** OS-POLICY blobs; `blob` is the JSON encoding of what the client sent, as Keystone's JsonBlob. */
export interface PolicyTable {
  id: string
  blob: string
  type: string
  extra: string
}

/** OS-OAUTH1 consumers; `secret` in the clear, as Keystone stores it. */
export interface ConsumerTable {
  id: string
  description: string | null
  secret: string
  extra: string
}

/** OS-OAUTH1 request tokens; `role_ids` JSON text, `expires_at` Keystone's ISO string. */
export interface RequestTokenTable {
  id: string
  request_secret: string
  verifier: string | null
  authorizing_user_id: string | null
  requested_project_id: string
  role_ids: string | null
  consumer_id: string
  expires_at: string | null
}

/** OS-OAUTH1 access tokens, the secret in the clear as Keystone stores it. */
export interface AccessTokenTable {
  id: string
  access_secret: string
  authorizing_user_id: string
  project_id: string
  role_ids: string
  consumer_id: string
  expires_at: string | null
}

export interface Schema {
  project: ProjectTable
  project_tag: ProjectTagTable
  user: UserTable
  password: PasswordTable
  group: GroupTable
  user_group_membership: UserGroupMembershipTable
  role: RoleTable
  implied_role: ImpliedRoleTable
  assignment: AssignmentTable
  system_assignment: SystemAssignmentTable
  service: ServiceTable
  region: RegionTable
  endpoint: EndpointTable
  application_credential: ApplicationCredentialTable
  application_credential_role: ApplicationCredentialRoleTable
  access_rule: AccessRuleTable
  application_credential_access_rule: ApplicationCredentialAccessRuleTable
  revocation_event: RevocationEventTable
  trust: TrustTable
  trust_role: TrustRoleTable
  baton_delegation: DelegationTable
  cache_generation: CacheGenerationTable
  endpoint_group: EndpointGroupTable
  project_endpoint: ProjectEndpointTable
  project_endpoint_group: ProjectEndpointGroupTable
  domain_config: DomainConfigTable
  credential: CredentialTable
  registered_limit: RegisteredLimitTable
  limit: LimitTable
  policy: PolicyTable
  consumer: ConsumerTable
  request_token: RequestTokenTable
  access_token: AccessTokenTable
  keystone_import_row: KeystoneImportRowTable
  fernet_key_set: FernetKeySetTable
  fernet_key: FernetKeyTable
  fleet_node: FleetNodeTable
  fleet_lease: FleetLeaseTable
}
