/**
 * Password hashing and verification errors.
 * Part of the identity error registry (../errors.ts).
 * @module
 */
import { Forbidden, UnexpectedError } from './keystone_error.ts'

/*
 * Password hashing (packages/identity/src/passwords). They reuse the Forbidden and Unexpected
 * codes; dedicated codes would go in IdentityErrorCode.
 */

/**
 * keystone exception.PasswordVerificationError (ForbiddenNotSecurity, 403): a password longer
 * than the limit while `[DEFAULT] strict_password_check` is on, when hashing and when verifying.
 */
export class PasswordVerificationError extends Forbidden {
  constructor(size: number, options?: ErrorOptions) {
    super(
      `The password length must be less than or equal to ${size}. The server could not comply ` +
        'with the request because the password is invalid.',
      options,
    )
  }
}

/** A stored password hash that is unknown or malformed; Keystone raises ValueError there (500). */
export class PasswordHashFormatError extends UnexpectedError {}

/** Password hashing settings passlib would refuse (unknown algorithm, rounds out of range): 500. */
export class PasswordHashConfigError extends UnexpectedError {}
