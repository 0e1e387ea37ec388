/**
 * The policy engine: oslo.policy's check language and enforcement with Keystone 22's default
 * rules, policy-file overrides and `[oslo_policy]` settings. The server builds one enforcer at
 * start-up (`policyFromConfig`, or `loadPolicyFile` + `createPolicyEnforcer`) and hands it to the
 * routes as `ApiContext.policy`.
 * @module
 */
export { parseCheckString } from './check_parser.ts'
export { type Check, formatCheck } from './check_types.ts'
export { KEYSTONE_DEFAULT_POLICIES, type PolicyDefault } from './defaults.ts'
export {
  BATON_AUDIT_CALLS,
  BATON_AUDIT_WINDOWS,
  BATON_CHAINS,
  BATON_DEFAULT_POLICIES,
  BATON_KEYS_STATUS,
} from './defaults_baton.ts'
export {
  type BatonPolicyEnforcer,
  createPolicyEnforcer,
  forbiddenActionMessage,
  type PolicyEnforcerOptions,
} from './enforcer.ts'
export { policyFromConfig } from './from_config.ts'
export { type PolicyRules, parsePolicyFile, readPolicyFile } from './policy_file.ts'
export {
  findPolicyFile,
  loadPolicyFile,
  type PolicyFileLookup,
} from './policy_file_location.ts'
