/**
 * `hashPassword`: what Keystone's `hash_password` does, writing the same strings passlib writes,
 * so a Keystone sharing the database can verify them (bcrypt_sha256 only by an upstream Keystone
 * new enough to offer it; Keystone 22 cannot read it). All hashing runs off the event loop.
 * @module
 */

import { hashBcrypt, hashBcryptSha256 } from './bcrypt_hashes.ts'
import { type HashPasswordOptions, resolveHashParams } from './hashing_options.ts'
import { verifyLengthAndTruncPassword } from './length_rule.ts'
import { hashPbkdf2Sha512 } from './pbkdf2_hashes.ts'
import { hashScrypt } from './scrypt_hashes.ts'

/**
 * Hashes a password for storage. Throws ValidationError (400) for a non-string, a lone surrogate,
 * or (bcrypt only) a NUL character; PasswordVerificationError (403) when it is too long under
 * `strict_password_check`; PasswordHashConfigError (500) for settings Keystone would refuse.
 */
export async function hashPassword(
  password: string,
  options: HashPasswordOptions,
): Promise<string> {
  // Keystone's order: the length rule first, then the algorithm lookup
  const bytes = verifyLengthAndTruncPassword(password, options)
  const params = resolveHashParams(options)
  switch (params.algorithm) {
    case 'bcrypt':
      return hashBcrypt(bytes, params.rounds)
    case 'bcrypt_sha256':
      return hashBcryptSha256(bytes, params.rounds)
    case 'scrypt':
      return hashScrypt(bytes, params)
    case 'pbkdf2_sha512':
      return hashPbkdf2Sha512(bytes, params)
  }
}
