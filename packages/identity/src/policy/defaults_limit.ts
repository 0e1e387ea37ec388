/**
 * Keystone 22's default policy for unified limits and OS-POLICY blobs
 * (keystone/common/policies/{limit,registered_limit,policy}.py). Limit and registered-limit
 * reads are open to any token (a limit's reader must own its project or domain); writes are
 * admin. The policy-blob rules were tightened in Train from `rule:admin_required`.
 * @module
 */
import {
  ADMIN_OR_SYSTEM_READER,
  ADMIN_REQUIRED,
  entry,
  type PolicyDefault,
  SYSTEM_DOMAIN_PROJECT,
  SYSTEM_PROJECT,
  SYSTEM_READER,
} from './defaults_base.ts'

/** limit.py ADMIN_OR_SYSTEM_OR_DOMAIN_OR_PROJECT_USER */
const LIMIT_READER =
  `${ADMIN_REQUIRED} or (${SYSTEM_READER}) or ` +
  '(domain_id:%(target.limit.domain.id)s or domain_id:%(target.limit.project.domain_id)s) or ' +
  '(project_id:%(target.limit.project_id)s and not None:%(target.limit.project_id)s)'

export const LIMIT_RULES: readonly PolicyDefault[] = [
  entry('identity:get_limit_model', '', SYSTEM_DOMAIN_PROJECT),
  entry('identity:get_limit', LIMIT_READER, SYSTEM_DOMAIN_PROJECT),
  entry('identity:list_limits', '', SYSTEM_DOMAIN_PROJECT),
  entry('identity:create_limits', ADMIN_REQUIRED, SYSTEM_PROJECT),
  entry('identity:update_limit', ADMIN_REQUIRED, SYSTEM_PROJECT),
  entry('identity:delete_limit', ADMIN_REQUIRED, SYSTEM_PROJECT),
]

export const REGISTERED_LIMIT_RULES: readonly PolicyDefault[] = [
  entry('identity:get_registered_limit', '', SYSTEM_DOMAIN_PROJECT),
  entry('identity:list_registered_limits', '', SYSTEM_DOMAIN_PROJECT),
  entry('identity:create_registered_limits', ADMIN_REQUIRED, SYSTEM_PROJECT),
  entry('identity:update_registered_limit', ADMIN_REQUIRED, SYSTEM_PROJECT),
  entry('identity:delete_registered_limit', ADMIN_REQUIRED, SYSTEM_PROJECT),
]

export const POLICY_BLOB_RULES: readonly PolicyDefault[] = [
  entry('identity:get_policy', ADMIN_OR_SYSTEM_READER, SYSTEM_PROJECT, ADMIN_REQUIRED),
  entry('identity:list_policies', ADMIN_OR_SYSTEM_READER, SYSTEM_PROJECT, ADMIN_REQUIRED),
  entry('identity:create_policy', ADMIN_REQUIRED, SYSTEM_PROJECT, ADMIN_REQUIRED),
  entry('identity:update_policy', ADMIN_REQUIRED, SYSTEM_PROJECT, ADMIN_REQUIRED),
  entry('identity:delete_policy', ADMIN_REQUIRED, SYSTEM_PROJECT, ADMIN_REQUIRED),
]
