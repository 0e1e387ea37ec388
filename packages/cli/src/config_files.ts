/**
 * `--config-file` handling shared by every verb: repeatable, later files win (oslo.config order).
 * Each unknown option is a warning on stderr; the options OpenStack declares that Baton knowingly
 * does not use are one summary line (their names with BATON_DEBUG=1 or `baton config check`).
 * @module
 */

import { resolve } from 'node:path'
import { type Config, loadConfig, openstackOptions, unusedSummary } from '@baton/config'
import {
  delegationOptions,
  fernetReceiptsOptions,
  fernetTokensOptions,
  identityOptionGroups,
  receiptOptions,
  tokenOptions,
} from '@baton/identity/tokens'
import type { CliIo } from './io.ts'

export { withConfigFiles } from './config_file_option.ts'

/** Loads the identity configuration from the given files, the environment and the overrides. */
export function loadIdentityConfig(
  files: readonly string[],
  io: CliIo,
  overrides: Record<string, Record<string, string>> = {},
): Config {
  const config = loadConfig({
    files: [...files],
    env: io.env,
    overrides,
    groups: identityOptionGroups,
    known: openstackOptions,
  })
  for (const warning of config.warnings) io.err(`baton: warning: ${warning}`)
  reportUnused(config, io)
  return config
}

/** One line for every option Baton knowingly ignores; each of them with BATON_DEBUG=1. */
export function reportUnused(config: Config, io: CliIo): void {
  const summary = unusedSummary(config.unused)
  if (summary === undefined) return
  io.err(`baton: ${summary}; \`baton config check\` lists them`)
  if (!io.debug) return
  for (const e of config.unused) {
    io.err(`baton:   ${e.path}:${e.line}: [${e.section}] ${e.name} (${e.origin})`)
  }
}

/** What the key repository functions need from `[fernet_tokens]` and `[token]` (keys, up). */
export function keySettings(config: Config) {
  const fernet = config.get(fernetTokensOptions)
  const token = config.get(tokenOptions)
  return {
    path: fernet.key_repository,
    maxActiveKeys: fernet.max_active_keys,
    tokenExpiration: token.expiration,
    allowExpiredWindow: token.allow_expired_window,
    delegationLifetime: delegationLifetimeOf(config),
  }
}

/**
 * How long a delegation token can live, for the key guard: `[delegation] max_lifetime` while
 * delegations are issued (0 with `enabled = false`: an operator who turns them off accepts that
 * those still alive end when their key is purged).
 */
export function delegationLifetimeOf(config: Config): number {
  const delegation = config.get(delegationOptions)
  return delegation.enabled ? delegation.max_lifetime : 0
}

/**
 * The same for `[fernet_receipts]` and `[receipt] expiration` (receipts have no allow_expired
 * window), or null when receipts use the token keys: the option unset (Baton's default) or naming
 * the `[fernet_tokens]` directory, where Keystone too ignores the receipts' `max_active_keys`.
 */
export function receiptKeySettings(config: Config) {
  const receipts = config.get(fernetReceiptsOptions)
  const tokenPath = config.get(fernetTokensOptions).key_repository
  if (receipts.key_repository === undefined) return null
  if (resolve(receipts.key_repository) === resolve(tokenPath)) return null
  return {
    path: receipts.key_repository,
    maxActiveKeys: receipts.max_active_keys,
    tokenExpiration: config.get(receiptOptions).expiration,
    allowExpiredWindow: 0,
    delegationLifetime: 0,
  }
}
