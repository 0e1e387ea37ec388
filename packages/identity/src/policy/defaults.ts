/**
 * Every policy Baton registers: Keystone 22's defaults for the identity v3 actions Baton serves
 * (tokens, auth scope discovery and catalog, domains, projects and tags, users, groups, roles,
 * implied roles, grants, system grants, role assignments, services, endpoints, regions,
 * application credentials, access rules, OS-REVOKE events, unified limits, OS-POLICY blobs, OS-TRUST
 * trusts, OS-OAUTH1 consumers) plus the base rules they reference. Policies of APIs Baton does not
 * serve (federation, ...) are left out: a policy file may still define them.
 * @module
 */

import {
  GRANT_RULES,
  IMPLIED_ROLE_RULES,
  ROLE_ASSIGNMENT_RULES,
  ROLE_RULES,
  SYSTEM_GRANT_RULES,
} from './defaults_assignment.ts'
import {
  AUTH_RULES,
  BASE_RULES,
  type PolicyDefault,
  REVOKE_EVENT_RULES,
  TOKEN_RULES,
} from './defaults_base.ts'
import { ENDPOINT_RULES, REGION_RULES, SERVICE_RULES } from './defaults_catalog.ts'
import {
  CREDENTIAL_RULES,
  EC2_CREDENTIAL_RULES,
  EC2_S3_TOKEN_RULES,
} from './defaults_credential.ts'
import { DOMAIN_CONFIG_RULES } from './defaults_domain_config.ts'
import { ENDPOINT_GROUP_RULES, PROJECT_ENDPOINT_RULES } from './defaults_endpoint_filter.ts'
import {
  ACCESS_RULE_RULES,
  APPLICATION_CREDENTIAL_RULES,
  GROUP_RULES,
  USER_RULES,
} from './defaults_identity.ts'
import { LIMIT_RULES, POLICY_BLOB_RULES, REGISTERED_LIMIT_RULES } from './defaults_limit.ts'
import { ACCESS_TOKEN_RULES, CONSUMER_RULES } from './defaults_oauth1.ts'
import { DOMAIN_RULES, PROJECT_RULES, PROJECT_TAG_RULES } from './defaults_resource.ts'
import { TRUST_RULES } from './defaults_trust.ts'

export type { PolicyDefault } from './defaults_base.ts'

export const KEYSTONE_DEFAULT_POLICIES: readonly PolicyDefault[] = Object.freeze([
  ...BASE_RULES,
  ...AUTH_RULES,
  ...TOKEN_RULES,
  ...REVOKE_EVENT_RULES,
  ...DOMAIN_RULES,
  ...PROJECT_RULES,
  ...PROJECT_TAG_RULES,
  ...USER_RULES,
  ...GROUP_RULES,
  ...APPLICATION_CREDENTIAL_RULES,
  ...ACCESS_RULE_RULES,
  ...ROLE_RULES,
  ...IMPLIED_ROLE_RULES,
  ...GRANT_RULES,
  ...SYSTEM_GRANT_RULES,
  ...ROLE_ASSIGNMENT_RULES,
  ...SERVICE_RULES,
  ...ENDPOINT_RULES,
  ...REGION_RULES,
  ...ENDPOINT_GROUP_RULES,
  ...PROJECT_ENDPOINT_RULES,
  ...DOMAIN_CONFIG_RULES,
  ...CREDENTIAL_RULES,
  ...EC2_CREDENTIAL_RULES,
  ...EC2_S3_TOKEN_RULES,
  ...REGISTERED_LIMIT_RULES,
  ...LIMIT_RULES,
  ...POLICY_BLOB_RULES,
  ...TRUST_RULES,
  ...CONSUMER_RULES,
  ...ACCESS_TOKEN_RULES,
])
