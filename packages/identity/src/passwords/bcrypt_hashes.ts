/**
 * bcrypt (`$2b$12$<salt><checksum>`) and bcrypt_sha256 (`$bcrypt-sha256$v=2,t=2b,r=12$<salt>$<checksum>`)
 * exactly as passlib 1.7.4 writes and reads them. The Blowfish work runs in native bcrypt@6 on the
 * libuv pool (its async API), never on the event loop.
 *
 * Verification recomputes the checksum with `bcrypt.hash` rather than `bcrypt.compare`, so that
 * passlib's leniencies carry over: `$2y$` (same algorithm as `$2b$`, unknown to bcrypt@6), `$2$`
 * (passlib: repeat the password to 72 bytes), and unused bits set in the last salt/checksum
 * character (passlib clears them). Like pyca/bcrypt, only the first 72 bytes count; a password
 * containing NUL never matches (passlib refuses such passwords, so no such hash can exist).
 * @module
 */

import { createHash, createHmac } from 'node:crypto'
import bcrypt from 'bcrypt'
import { bcrypt64Canonical, bcrypt64IsCanonical, constantTimeEqual } from './encodings.ts'
import { decimal, fields, inBounds, malformedHash, unsupportedHash } from './hash_format.ts'
import { BCRYPT_ROUNDS } from './hashing_options.ts'
import { passwordValidationError } from './length_rule.ts'

const B64 = '[./A-Za-z0-9]'
const BCRYPT_HASH = new RegExp(`^\\$(2|2a|2b|2y)\\$(\\d\\d)\\$(${B64}{22})(${B64}{31})$`)
const SHA256_V2 = new RegExp(
  `^\\$bcrypt-sha256\\$v=(\\d+),t=2b,r=(\\d{1,2})\\$(${B64}{22})\\$(${B64}{31})$`,
)
const SHA256_V1 = new RegExp(
  `^\\$bcrypt-sha256\\$(2[ab]),(\\d{1,2})\\$(${B64}{22})\\$(${B64}{31})$`,
)
const BCRYPT_KEY_BYTES = 72

function twoDigits(rounds: number): string {
  return String(rounds).padStart(2, '0')
}

/** The 31-character bcrypt checksum of `key` (at most 72 bytes, no NUL) under `salt`. */
async function bcryptChecksum(key: Buffer, rounds: number, salt: string): Promise<string> {
  const hashed = await bcrypt.hash(key, `$2b$${twoDigits(rounds)}$${salt}`)
  return hashed.slice(-31)
}

/** passlib's `repeat_string(secret, 72)`: how it emulates the original `$2$` on modern bcrypt. */
function repeatTo72(password: Buffer): Buffer {
  if (password.length === 0) return password
  const copies = Math.ceil(BCRYPT_KEY_BYTES / password.length)
  return Buffer.concat(Array.from({ length: copies }, () => password)).subarray(0, BCRYPT_KEY_BYTES)
}

/** bcrypt_sha256 feeds bcrypt the base64 (with padding) of a SHA-256 of the password. */
function sha256Key(password: Buffer, version: 1 | 2, salt: string): Buffer {
  // v2 keys the HMAC with the salt *text*, so other implementations need no bcrypt64 decoder
  const digest =
    version === 2
      ? createHmac('sha256', Buffer.from(salt, 'ascii')).update(password).digest()
      : createHash('sha256').update(password).digest()
  return Buffer.from(digest.toString('base64'), 'ascii')
}

export async function hashBcrypt(password: Buffer, rounds: number): Promise<string> {
  if (password.includes(0)) throw passwordValidationError('string without NUL characters')
  return bcrypt.hash(password, await bcrypt.genSalt(rounds, 'b'))
}

export async function hashBcryptSha256(password: Buffer, rounds: number): Promise<string> {
  // genSalt's 22 characters always have their unused bits clear, as v2 requires
  const config = await bcrypt.genSalt(rounds, 'b')
  const salt = config.slice(-22)
  const checksum = await bcryptChecksum(sha256Key(password, 2, salt), rounds, salt)
  return `$bcrypt-sha256$v=2,t=2b,r=${rounds}$${salt}$${checksum}`
}

export async function verifyBcrypt(password: Buffer, hash: string): Promise<boolean> {
  if (hash.startsWith('$2x$')) throw unsupportedHash('$2x$') // passlib refuses these as well
  const parsed = fields(BCRYPT_HASH, hash)
  if (parsed === null) throw malformedHash('bcrypt')
  const [ident, cost = '', salt = '', checksum = ''] = parsed
  const rounds = Number(cost)
  if (!inBounds(rounds, BCRYPT_ROUNDS)) throw malformedHash('bcrypt')
  if (password.includes(0)) return false
  const key = ident === '2' ? repeatTo72(password) : password.subarray(0, BCRYPT_KEY_BYTES)
  const computed = await bcryptChecksum(key, rounds, bcrypt64Canonical(salt, 2))
  return constantTimeEqual(computed, bcrypt64Canonical(checksum, 4))
}

export async function verifyBcryptSha256(password: Buffer, hash: string): Promise<boolean> {
  const v2 = fields(SHA256_V2, hash)
  const v1 = v2 === null ? fields(SHA256_V1, hash) : null
  const parsed = v2 ?? v1
  if (parsed === null) throw malformedHash('bcrypt_sha256')
  const [first = '', cost = '', salt = '', checksum = ''] = parsed
  const rounds = decimal(cost)
  // v=<n> must name version 2 exactly (passlib: lower is malformed, higher unsupported)
  if ((v2 !== null && Number(first) !== 2) || !inBounds(rounds, BCRYPT_ROUNDS)) {
    throw malformedHash('bcrypt_sha256')
  }
  // passlib refuses v2 salts with unused bits set rather than guess how they were hashed
  if (v2 !== null && !bcrypt64IsCanonical(salt, 2)) throw malformedHash('bcrypt_sha256')
  const key = sha256Key(password, v2 !== null ? 2 : 1, salt)
  const computed = await bcryptChecksum(key, rounds, bcrypt64Canonical(salt, 2))
  return constantTimeEqual(computed, bcrypt64Canonical(checksum, 4))
}
