/**
 * The package's error registry: one `ConfigError` class (a `BatonError`) with stable codes. Messages name the file,
 * line, `[group] option` and the offending value, except for secret options, whose values never
 * appear in any message.
 * @module
 */
import { BatonError } from './baton_error.ts'

export const ConfigErrorCode = {
  /** The INI text is malformed (oslo.config's `ConfigFileParseError`). */
  Parse: 'BATON_CONFIG_PARSE',
  /** A value does not convert to the option's type or breaks its bounds or choices. */
  Value: 'BATON_CONFIG_VALUE',
  /** A config file is missing, unreadable or not UTF-8. */
  File: 'BATON_CONFIG_FILE',
  /** A `required` option has no value anywhere. */
  Required: 'BATON_CONFIG_REQUIRED',
  /** A `$name` template refers to an option that does not exist, or to itself. */
  Substitution: 'BATON_CONFIG_SUBSTITUTION',
  /** An override names a group or option that was not declared. */
  UnknownOption: 'BATON_CONFIG_UNKNOWN_OPTION',
  /** `config.get()` was asked for a group that was not loaded. */
  UnknownGroup: 'BATON_CONFIG_UNKNOWN_GROUP',
  /** A programming error in an option declaration (bad default, bounds, clashing duplicates). */
  Definition: 'BATON_CONFIG_DEFINITION',
} as const

export type ConfigErrorCode = (typeof ConfigErrorCode)[keyof typeof ConfigErrorCode]

/** One class for all of the registry's codes: the instance's `code` says which failure it is. */
export class ConfigError extends BatonError {
  declare readonly code: ConfigErrorCode

  constructor(code: ConfigErrorCode, message: string, options?: ErrorOptions) {
    super(message, options)
    this.code = code
  }
}

/**
 * Why a single value was rejected, before the caller knows where it came from; `resolve.ts` turns it
 * into a `ConfigError` naming the source. `allowed` says what would have been accepted.
 */
export class ValueProblem extends Error {
  readonly allowed: string

  constructor(reason: string, allowed: string) {
    super(reason)
    this.name = this.constructor.name
    this.allowed = allowed
  }
}
