/**
 * `policyFromConfig()`: the server's one call to build its enforcer from `[oslo_policy]`, as
 * Keystone's RBACEnforcer does at start-up: find and read the policy file, then apply
 * enforce_scope, enforce_new_defaults and policy_default_rule. A broken policy file stops the
 * server (ServerNotReady); rule problems oslo would only log go to `onWarning`.
 * @module
 */
import type { Config } from '@baton/config'
import { policyOptions } from '../options.ts'
import { type BatonPolicyEnforcer, createPolicyEnforcer } from './enforcer.ts'
import { loadPolicyFile } from './policy_file_location.ts'

const emitWarning = (message: string): void => {
  process.emitWarning(message, { code: 'BATON_POLICY' })
}

/**
 * @param configDir searched first for a relative `policy_file` (like `--config-dir`); the
 *   directories of `config.files` are searched after it, as oslo.config does.
 */
export function policyFromConfig(
  config: Config,
  configDir?: string,
  onWarning: (message: string) => void = emitWarning,
): BatonPolicyEnforcer {
  const values = config.get(policyOptions)
  const { rules } = loadPolicyFile({
    policyFile: values.policy_file,
    // oslo falls back to policy.json only when nobody set policy_file
    isDefault: config.sources(policyOptions).policy_file.source.kind === 'default',
    configFiles: config.files,
    ...(configDir !== undefined ? { configDirs: [configDir] } : {}),
  })
  return createPolicyEnforcer({
    rules,
    enforceScope: values.enforce_scope,
    enforceNewDefaults: values.enforce_new_defaults,
    defaultRule: values.policy_default_rule,
    onWarning,
  })
}
