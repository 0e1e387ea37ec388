/**
 * `verifyPassword`: Keystone's `check_password`, for every hash format a Keystone database can
 * hold. Dispatch is by ident, as Keystone does (the text up to the second `$`):
 * bcrypt `$2$ $2a$ $2b$ $2y$`, `$bcrypt-sha256$` (v1 and v2), scrypt `$scrypt$ $7$`,
 * `$pbkdf2-sha512$`, and sha512_crypt `$6$`.
 *
 * Outcomes: true/false for a readable hash; false when there is no hash (null/undefined, a user
 * without a password, as Keystone); PasswordHashFormatError (500) for a hash that is unknown
 * (`$2x$`, `$argon2id$`, plain text...) or malformed: that is corrupt server data, not a wrong
 * password, and hiding it behind "false" would lock the user out with nothing in the logs.
 * The length rule runs first, with the *configured* algorithm, as in Keystone: with bcrypt
 * configured, even a pbkdf2 hash is checked against the first 72 bytes only, and with
 * `strict_password_check` an over-long password is a 403 at login too.
 * @module
 */

import { verifyBcrypt, verifyBcryptSha256 } from './bcrypt_hashes.ts'
import { hashIdent, malformedHash, unsupportedHash } from './hash_format.ts'
import type { PasswordLengthOptions } from './hashing_options.ts'
import { verifyLengthAndTruncPassword } from './length_rule.ts'
import { verifyPbkdf2Sha512 } from './pbkdf2_hashes.ts'
import { verifyScrypt } from './scrypt_hashes.ts'
import { verifySha512Crypt } from './sha512_crypt.ts'

type Verifier = (password: Buffer, hash: string) => Promise<boolean>

const VERIFIERS: ReadonlyMap<string, Verifier> = new Map([
  ['$2$', verifyBcrypt],
  ['$2a$', verifyBcrypt],
  ['$2b$', verifyBcrypt],
  ['$2x$', verifyBcrypt], // so it fails with bcrypt's own "unsupported" message
  ['$2y$', verifyBcrypt],
  ['$bcrypt-sha256$', verifyBcryptSha256],
  ['$scrypt$', verifyScrypt],
  ['$7$', verifyScrypt],
  ['$pbkdf2-sha512$', verifyPbkdf2Sha512],
  ['$6$', verifySha512Crypt],
])

export async function verifyPassword(
  password: string,
  hash: string | null | undefined,
  options: PasswordLengthOptions = {},
): Promise<boolean> {
  if (hash === null || hash === undefined) return false
  const bytes = verifyLengthAndTruncPassword(password, options)
  const ident = hashIdent(hash)
  const verifier = ident === null ? undefined : VERIFIERS.get(ident)
  if (ident === null || verifier === undefined) throw unsupportedHash(ident)
  // passlib decodes hashes as ASCII before parsing anything
  if (!/^[\x21-\x7e]*$/.test(hash)) throw malformedHash(ident)
  return verifier(bytes, hash)
}
