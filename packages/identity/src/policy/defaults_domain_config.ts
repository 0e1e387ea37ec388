/**
 * Keystone 22's default policy for the domain configuration API
 * (keystone/common/policies/domain_config.py): writes admin, reads admin or a system reader,
 * every one deprecated from `rule:admin_required`. (`get_security_compliance_domain_config` is
 * left out with the `security_compliance` group it guards.)
 * @module
 */
import {
  adminOnly,
  adminOrSystemReader,
  type PolicyDefault,
  SYSTEM_PROJECT,
} from './defaults_base.ts'

export const DOMAIN_CONFIG_RULES: readonly PolicyDefault[] = [
  adminOnly('identity:create_domain_config', SYSTEM_PROJECT),
  adminOrSystemReader('identity:get_domain_config'),
  adminOnly('identity:update_domain_config', SYSTEM_PROJECT),
  adminOnly('identity:delete_domain_config', SYSTEM_PROJECT),
  adminOrSystemReader('identity:get_domain_config_default'),
]
