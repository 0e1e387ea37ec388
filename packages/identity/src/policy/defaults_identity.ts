/**
 * Keystone 22's default policy, part 3: users, groups, application credentials and access rules
 * (keystone/common/policies/user.py, group.py, application_credential.py, access_rule.py).
 * Targets: `target.user` / `target.group` are the stored entities of the URL, `user_id` (top
 * level) is the URL's user; for one application credential Keystone replaces that `user_id` with
 * the credential's owner (and sets `target.user_id`), so `rule:owner` cannot be met by editing the
 * URL.
 * @module
 */
import {
  ADMIN_OR_OWNER,
  ADMIN_REQUIRED,
  adminOnly,
  anyOf,
  entry,
  type PolicyDefault,
  PROJECT_ONLY,
  SYSTEM_DOMAIN_PROJECT,
  SYSTEM_PROJECT,
} from './defaults_base.ts'

const SDP = SYSTEM_DOMAIN_PROJECT
const GROUP_DOMAIN_READER = '(role:reader and domain_id:%(target.group.domain_id)s)'

export const USER_RULES: readonly PolicyDefault[] = [
  // Domain readers are matched through the token's domain, not `domain_id` (unlike groups).
  entry(
    'identity:get_user',
    anyOf(
      '(role:reader and token.domain.id:%(target.user.domain_id)s)',
      'user_id:%(target.user.id)s',
    ),
    SDP,
    ADMIN_OR_OWNER,
  ),
  entry(
    'identity:list_users',
    anyOf('(role:reader and domain_id:%(target.domain_id)s)'),
    SDP,
    ADMIN_REQUIRED,
  ),
  adminOnly('identity:create_user', SDP),
  adminOnly('identity:update_user', SDP),
  adminOnly('identity:delete_user', SDP),
]

const groupReader = (name: string): PolicyDefault =>
  entry(name, anyOf(GROUP_DOMAIN_READER), SDP, ADMIN_REQUIRED)

export const GROUP_RULES: readonly PolicyDefault[] = [
  groupReader('identity:get_group'),
  groupReader('identity:list_groups'),
  entry(
    'identity:list_groups_for_user',
    anyOf('(role:reader and domain_id:%(target.user.domain_id)s)', 'user_id:%(user_id)s'),
    SDP,
    ADMIN_OR_OWNER,
  ),
  adminOnly('identity:create_group', SDP),
  adminOnly('identity:update_group', SDP),
  adminOnly('identity:delete_group', SDP),
  groupReader('identity:list_users_in_group'),
  adminOnly('identity:remove_user_from_group', SDP),
  entry(
    'identity:check_user_in_group',
    anyOf(
      '(role:reader and domain_id:%(target.group.domain_id)s and ' +
        'domain_id:%(target.user.domain_id)s)',
    ),
    SDP,
    ADMIN_REQUIRED,
  ),
  adminOnly('identity:add_user_to_group', SDP),
]

export const APPLICATION_CREDENTIAL_RULES: readonly PolicyDefault[] = [
  entry('identity:get_application_credential', anyOf('rule:owner'), SYSTEM_PROJECT, ADMIN_OR_OWNER),
  entry(
    'identity:list_application_credentials',
    anyOf('rule:owner'),
    SYSTEM_PROJECT,
    ADMIN_OR_OWNER,
  ),
  // Only for oneself, with a project-scoped token (scope enforced under enforce_scope only).
  entry('identity:create_application_credential', 'user_id:%(user_id)s', PROJECT_ONLY),
  entry('identity:delete_application_credential', ADMIN_OR_OWNER, SYSTEM_PROJECT, ADMIN_OR_OWNER),
]

export const ACCESS_RULE_RULES: readonly PolicyDefault[] = [
  entry(
    'identity:get_access_rule',
    '(role:reader and system_scope:all) or user_id:%(target.user.id)s',
    SYSTEM_PROJECT,
  ),
  entry(
    'identity:list_access_rules',
    '(role:reader and system_scope:all) or user_id:%(target.user.id)s',
    SYSTEM_PROJECT,
  ),
  entry(
    'identity:delete_access_rule',
    '(role:admin and system_scope:all) or user_id:%(target.user.id)s',
    SYSTEM_PROJECT,
  ),
]
