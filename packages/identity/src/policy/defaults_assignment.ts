/**
 * Keystone 22's default policy, part 4: roles, domain-specific roles, implied roles, grants on
 * projects and domains, system grants and role assignments (keystone/common/policies/role.py,
 * implied_role.py, grant.py, role_assignment.py). Grant targets carry the stored `role`, the
 * `user` or `group`, and the `project` or `domain` of the URL.
 * @module
 */
import {
  ADMIN_REQUIRED,
  adminOnly,
  adminOrSystemReader,
  anyOf,
  entry,
  type PolicyDefault,
  SYSTEM_DOMAIN_PROJECT,
  SYSTEM_PROJECT,
} from './defaults_base.ts'

const SDP = SYSTEM_DOMAIN_PROJECT

export const ROLE_RULES: readonly PolicyDefault[] = [
  adminOrSystemReader('identity:get_role'),
  adminOrSystemReader('identity:list_roles'),
  adminOnly('identity:create_role', SYSTEM_PROJECT),
  adminOnly('identity:update_role', SYSTEM_PROJECT),
  adminOnly('identity:delete_role', SYSTEM_PROJECT),
  // /v3/roles with a domain_id (query or role) uses the *_domain_role actions
  adminOrSystemReader('identity:get_domain_role'),
  adminOrSystemReader('identity:list_domain_roles'),
  adminOnly('identity:create_domain_role', SYSTEM_PROJECT),
  adminOnly('identity:update_domain_role', SYSTEM_PROJECT),
  adminOnly('identity:delete_domain_role', SYSTEM_PROJECT),
]

export const IMPLIED_ROLE_RULES: readonly PolicyDefault[] = [
  adminOrSystemReader('identity:get_implied_role'),
  adminOrSystemReader('identity:list_implied_roles'),
  adminOnly('identity:create_implied_role', SYSTEM_PROJECT),
  adminOnly('identity:delete_implied_role', SYSTEM_PROJECT),
  adminOrSystemReader('identity:list_role_inference_rules'),
  adminOrSystemReader('identity:check_implied_role'),
]

/** A domain-level persona acts when both the actor and the target live in its domain. */
const inOwnDomain = (role: string): string =>
  [
    `(${role} and domain_id:%(target.user.domain_id)s and domain_id:%(target.project.domain_id)s)`,
    `(${role} and domain_id:%(target.user.domain_id)s and domain_id:%(target.domain.id)s)`,
    `(${role} and domain_id:%(target.group.domain_id)s and domain_id:%(target.project.domain_id)s)`,
    `(${role} and domain_id:%(target.group.domain_id)s and domain_id:%(target.domain.id)s)`,
  ].join(' or ')
/** ...and the role is global or belongs to that domain. */
const GLOBAL_OR_OWN_ROLE = '(domain_id:%(target.role.domain_id)s or None:%(target.role.domain_id)s)'
const SYSTEM_READER = '(role:reader and system_scope:all)'

const grantReader = `(${ADMIN_REQUIRED}) or (${SYSTEM_READER} or (${inOwnDomain('role:reader')}) and ${GLOBAL_OR_OWN_ROLE})`
const grantAdmin = `(${ADMIN_REQUIRED}) or (${inOwnDomain('role:admin')}) and ${GLOBAL_OR_OWN_ROLE}`

export const GRANT_RULES: readonly PolicyDefault[] = [
  entry('identity:check_grant', grantReader, SDP, ADMIN_REQUIRED),
  entry(
    'identity:list_grants',
    `(${ADMIN_REQUIRED}) or (${SYSTEM_READER} or ${inOwnDomain('role:reader')})`,
    SDP,
    ADMIN_REQUIRED,
  ),
  entry('identity:create_grant', grantAdmin, SDP, ADMIN_REQUIRED),
  entry('identity:revoke_grant', grantAdmin, SDP, ADMIN_REQUIRED),
]

export const SYSTEM_GRANT_RULES: readonly PolicyDefault[] = [
  adminOrSystemReader('identity:list_system_grants_for_user'),
  adminOrSystemReader('identity:check_system_grant_for_user'),
  adminOnly('identity:create_system_grant_for_user', SYSTEM_PROJECT),
  adminOnly('identity:revoke_system_grant_for_user', SYSTEM_PROJECT),
  adminOrSystemReader('identity:list_system_grants_for_group'),
  adminOrSystemReader('identity:check_system_grant_for_group'),
  adminOnly('identity:create_system_grant_for_group', SYSTEM_PROJECT),
  adminOnly('identity:revoke_system_grant_for_group', SYSTEM_PROJECT),
]

/**
 * GET /v3/role_assignments: `target.domain_id` is the caller's domain (domain-scoped tokens only);
 * the `not None:` guard keeps a null domain from matching a caller whose domain_id is None.
 */
const roleAssignmentReader = (name: string): PolicyDefault =>
  entry(
    name,
    anyOf('(role:reader and domain_id:%(target.domain_id)s and not None:%(target.domain_id)s)'),
    SDP,
    ADMIN_REQUIRED,
  )

export const ROLE_ASSIGNMENT_RULES: readonly PolicyDefault[] = [
  roleAssignmentReader('identity:list_role_assignments'),
  roleAssignmentReader('identity:list_role_assignments_for_tree'),
]
