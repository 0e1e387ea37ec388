/**
 * Keystone 22's default policy for OS-OAUTH1 consumers (keystone/common/policies/consumer.py):
 * reads for an admin or a system reader, writes for an admin, each deprecated from
 * `rule:admin_required` since Train. Request-token authorization and access tokens
 * (keystone/common/policies/access_token.py): `rule:admin_required`, project scope only.
 * @module
 */
import {
  ADMIN_REQUIRED,
  adminOnly,
  adminOrSystemReader,
  entry,
  type PolicyDefault,
  PROJECT_ONLY,
  SYSTEM_PROJECT,
} from './defaults_base.ts'

export const CONSUMER_RULES: readonly PolicyDefault[] = [
  adminOrSystemReader('identity:get_consumer'),
  adminOrSystemReader('identity:list_consumers'),
  adminOnly('identity:create_consumer', SYSTEM_PROJECT),
  adminOnly('identity:update_consumer', SYSTEM_PROJECT),
  adminOnly('identity:delete_consumer', SYSTEM_PROJECT),
]

export const ACCESS_TOKEN_RULES: readonly PolicyDefault[] = [
  'identity:authorize_request_token',
  'identity:get_access_token',
  'identity:get_access_token_role',
  'identity:list_access_tokens',
  'identity:list_access_token_roles',
  'identity:delete_access_token',
].map((name) => entry(name, ADMIN_REQUIRED, PROJECT_ONLY))
