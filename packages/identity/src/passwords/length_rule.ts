/**
 * Keystone's password length rule (keystone/common/password_hashing.py
 * `verify_length_and_trunc_password`), applied before hashing *and* before verifying:
 * - the limit is `[identity] max_password_length` (4096), or 72 when the configured algorithm is
 *   bcrypt and the maximum exceeds 72 (bcrypt ignores every byte after the 72nd);
 * - lengths count UTF-8 bytes, and truncation cuts bytes, even inside a multi-byte character;
 * - over the limit: `[DEFAULT] strict_password_check` raises PasswordVerificationError (403),
 *   otherwise the password is silently truncated (Keystone logs a warning; Baton does not log here
 *   because the warning would fire on every bcrypt-configured request).
 * @module
 */

import {
  expectingToFind,
  PasswordHashConfigError,
  PasswordVerificationError,
  type ValidationError,
} from '../errors.ts'
import type { PasswordLengthOptions } from './hashing_options.ts'

export const BCRYPT_MAX_LENGTH = 72
/** Keystone's default and, through passlib's MAX_PASSWORD_SIZE, its upper bound. */
export const DEFAULT_MAX_PASSWORD_LENGTH = 4096

/** keystone's ValidationError(attribute=..., target='password'): a 400. */
export function passwordValidationError(attribute: string): ValidationError {
  return expectingToFind(attribute, 'password')
}

/**
 * The password's UTF-8 bytes. A non-string is Keystone's ValidationError (400). A lone surrogate
 * (JSON allows "\ud800") has no UTF-8 form: Node would silently turn it into U+FFFD, making two
 * different passwords equal, and Python's encode() fails, so it is rejected the same way.
 */
export function passwordBytes(password: unknown): Buffer {
  if (typeof password !== 'string') throw passwordValidationError('string')
  if (/[\uD800-\uDFFF]/u.test(password)) throw passwordValidationError('valid Unicode string')
  return Buffer.from(password, 'utf8')
}

/** The byte limit Keystone enforces for the configured algorithm. */
export function maxPasswordBytes(options: PasswordLengthOptions = {}): number {
  const configured = options.maxPasswordLength ?? DEFAULT_MAX_PASSWORD_LENGTH
  if (
    !Number.isSafeInteger(configured) ||
    configured < 0 ||
    configured > DEFAULT_MAX_PASSWORD_LENGTH
  ) {
    throw new PasswordHashConfigError('max_password_length must be an integer from 0 to 4096')
  }
  const algorithm = options.algorithm ?? 'bcrypt'
  return algorithm === 'bcrypt' && configured > BCRYPT_MAX_LENGTH ? BCRYPT_MAX_LENGTH : configured
}

/** Mirrors `verify_length_and_trunc_password`: the bytes that get hashed or verified. */
export function verifyLengthAndTruncPassword(
  password: string,
  options: PasswordLengthOptions = {},
): Buffer {
  const maxLength = maxPasswordBytes(options)
  const bytes = passwordBytes(password)
  if (bytes.length <= maxLength) return bytes
  if (options.strictPasswordCheck === true) throw new PasswordVerificationError(maxLength)
  return bytes.subarray(0, maxLength)
}
