/**
 * Keystone 22's default policy (keystone/common/policies/*.py), part 1: the shape of an entry, the
 * check-string building blocks of keystone/common/policies/base.py, the base rules, and the
 * auth, token and revocation-event actions. The golden test checks every entry against
 * `keystone.common.policies.list_rules()`.
 * @module
 */
import type { ScopeType } from './credentials.ts'

/** One oslo RuleDefault (with its DeprecatedRule's check string, when it has one). */
export interface PolicyDefault {
  readonly name: string
  readonly checkStr: string
  /** oslo `scope_types`, checked only under `[oslo_policy] enforce_scope`. Absent: never checked. */
  readonly scopeTypes?: readonly ScopeType[]
  /**
   * The DeprecatedRule's check string (every Keystone 22 deprecation keeps the policy's name).
   * Unless `enforce_new_defaults` is set, oslo ORs it with the new one.
   */
  readonly deprecatedCheckStr?: string
}

export const SYSTEM_DOMAIN_PROJECT: readonly ScopeType[] = ['system', 'domain', 'project']
export const SYSTEM_PROJECT: readonly ScopeType[] = ['system', 'project']
export const PROJECT_ONLY: readonly ScopeType[] = ['project']

export const ADMIN_REQUIRED = 'rule:admin_required'
export const ADMIN_OR_OWNER = 'rule:admin_or_owner'
export const SYSTEM_READER = 'role:reader and system_scope:all'
export const ADMIN_OR_SYSTEM_READER = `${ADMIN_REQUIRED} or (${SYSTEM_READER})`
/** `(rule:admin_required) or (role:reader and system_scope:all) or ...`, Keystone's usual prefix. */
export const anyOf = (...checks: readonly string[]): string =>
  [`(${ADMIN_REQUIRED})`, `(${SYSTEM_READER})`, ...checks].join(' or ')

export function entry(
  name: string,
  checkStr: string,
  scopeTypes?: readonly ScopeType[],
  deprecatedCheckStr?: string,
): PolicyDefault {
  return {
    name,
    checkStr,
    ...(scopeTypes ? { scopeTypes } : {}),
    ...(deprecatedCheckStr !== undefined ? { deprecatedCheckStr } : {}),
  }
}

/** The most common shape: `rule:admin_required`, deprecated from itself (so never ORed). */
export const adminOnly = (name: string, scopeTypes: readonly ScopeType[]): PolicyDefault =>
  entry(name, ADMIN_REQUIRED, scopeTypes, ADMIN_REQUIRED)

/** Catalog, role and system-grant reads: admin, or a reader on the system. */
export const adminOrSystemReader = (name: string): PolicyDefault =>
  entry(name, ADMIN_OR_SYSTEM_READER, SYSTEM_PROJECT, ADMIN_REQUIRED)

/**
 * keystone/common/policies/base.py. `is_admin:1` never matches in Keystone (no `is_admin` in its
 * credentials); it is kept because operators' files copy it.
 */
export const BASE_RULES: readonly PolicyDefault[] = [
  entry('admin_required', 'role:admin or is_admin:1'),
  entry('service_role', 'role:service'),
  entry('service_or_admin', 'rule:admin_required or rule:service_role'),
  entry('owner', 'user_id:%(user_id)s'),
  entry('admin_or_owner', 'rule:admin_required or rule:owner'),
  entry('token_subject', 'user_id:%(target.token.user_id)s'),
  entry('admin_or_token_subject', 'rule:admin_required or rule:token_subject'),
  entry('service_admin_or_token_subject', 'rule:service_or_admin or rule:token_subject'),
]

/** auth.py: scope discovery and the catalog are open to any valid token (no scope check). */
export const AUTH_RULES: readonly PolicyDefault[] = [
  entry('identity:get_auth_catalog', ''),
  entry('identity:get_auth_projects', ''),
  entry('identity:get_auth_domains', ''),
  entry('identity:get_auth_system', ''),
]

/**
 * token.py. HEAD (check_token) lacks `rule:service_role`, so a service-only user can GET but not
 * HEAD someone else's token; targets carry `target.token.user_id` (the subject token's user).
 */
export const TOKEN_RULES: readonly PolicyDefault[] = [
  entry(
    'identity:check_token',
    `${ADMIN_OR_SYSTEM_READER} or rule:token_subject`,
    SYSTEM_DOMAIN_PROJECT,
    'rule:admin_or_token_subject',
  ),
  entry(
    'identity:validate_token',
    `${ADMIN_OR_SYSTEM_READER} or rule:service_role or rule:token_subject`,
    SYSTEM_DOMAIN_PROJECT,
    'rule:service_admin_or_token_subject',
  ),
  entry(
    'identity:revoke_token',
    'rule:admin_required or rule:token_subject',
    SYSTEM_DOMAIN_PROJECT,
    'rule:admin_or_token_subject',
  ),
]

/** revoke_event.py: GET /v3/OS-REVOKE/events. */
export const REVOKE_EVENT_RULES: readonly PolicyDefault[] = [
  entry('identity:list_revoke_events', 'rule:service_or_admin', SYSTEM_PROJECT),
]
