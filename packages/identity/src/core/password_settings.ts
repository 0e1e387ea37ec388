/**
 * Password hashing and length settings from `[identity]` and `[DEFAULT]`, read once per server so
 * every place that hashes or verifies a password applies the same rules.
 * @module
 */
import type { Config } from '@baton/config'
import { defaultOptions, identityOptions } from '../options.ts'
import type { HashPasswordOptions, PasswordHashAlgorithm } from '../passwords/index.ts'

export function passwordSettings(config: Config): HashPasswordOptions {
  const identity = config.get(identityOptions)
  return {
    // the option's choices are exactly PASSWORD_HASH_ALGORITHMS
    algorithm: identity.password_hash_algorithm as PasswordHashAlgorithm,
    rounds: identity.password_hash_rounds,
    saltBytes: identity.salt_bytesize,
    maxPasswordLength: identity.max_password_length,
    strictPasswordCheck: config.get(defaultOptions).strict_password_check,
  }
}
