/**
 * `--config-file` handling shared by every verb: repeatable, later files win (oslo.config order),
 * and each option Baton does not implement is reported once on stderr.
 * @module
 */
import { type Config, loadConfig } from '@baton/config'
import { fernetTokensOptions, identityOptionGroups, tokenOptions } from '@baton/identity/tokens'
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
  })
  for (const warning of config.warnings) io.err(`baton: warning: ${warning}`)
  return config
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
  }
}
