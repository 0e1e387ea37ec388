/**
 * Keystone 22's default policy for OS-OAUTH1 consumers (keystone/common/policies/consumer.py):
 * reads for an admin or a system reader, writes for an admin, each deprecated from
 * `rule:admin_required` since Train.
 * @module
 */
import {
  adminOnly,
  adminOrSystemReader,
  type PolicyDefault,
  SYSTEM_PROJECT,
} from './defaults_base.ts'

export const CONSUMER_RULES: readonly PolicyDefault[] = [
  adminOrSystemReader('identity:get_consumer'),
  adminOrSystemReader('identity:list_consumers'),
  adminOnly('identity:create_consumer', SYSTEM_PROJECT),
  adminOnly('identity:update_consumer', SYSTEM_PROJECT),
  adminOnly('identity:delete_consumer', SYSTEM_PROJECT),
]
