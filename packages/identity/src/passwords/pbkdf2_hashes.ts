/**
 * passlib's pbkdf2_sha512: `$pbkdf2-sha512$<rounds>$<ab64 salt>$<ab64 checksum>`, a 64-byte
 * PBKDF2-HMAC-SHA512 checksum. node:crypto's async pbkdf2 runs on the libuv pool.
 * @module
 */

import { pbkdf2, randomBytes } from 'node:crypto'
import { promisify } from 'node:util'
import { ab64Decode, ab64Encode, constantTimeEqual } from './encodings.ts'
import { decimal, fields, inBounds, malformedHash } from './hash_format.ts'
import { MAX_SALT_BYTES, PBKDF2_ROUNDS } from './hashing_options.ts'

const CHECKSUM_BYTES = 64
const PBKDF2_HASH = /^\$pbkdf2-sha512\$([^$]*)\$([^$]*)\$([^$]+)$/
const pbkdf2Async = promisify(pbkdf2)

export async function hashPbkdf2Sha512(
  password: Buffer,
  params: { rounds: number; saltBytes: number },
): Promise<string> {
  const salt = randomBytes(params.saltBytes)
  const checksum = await pbkdf2Async(password, salt, params.rounds, CHECKSUM_BYTES, 'sha512')
  return `$pbkdf2-sha512$${params.rounds}$${ab64Encode(salt)}$${ab64Encode(checksum)}`
}

export async function verifyPbkdf2Sha512(password: Buffer, hash: string): Promise<boolean> {
  const parsed = fields(PBKDF2_HASH, hash)
  if (parsed === null) throw malformedHash('pbkdf2_sha512')
  const [roundsText = '', saltText = '', checksumText = ''] = parsed
  const rounds = decimal(roundsText)
  const salt = ab64Decode(saltText)
  const checksum = ab64Decode(checksumText)
  if (
    !inBounds(rounds, PBKDF2_ROUNDS) ||
    salt === null ||
    salt.length > MAX_SALT_BYTES ||
    checksum?.length !== CHECKSUM_BYTES
  ) {
    throw malformedHash('pbkdf2_sha512')
  }
  const computed = await pbkdf2Async(password, salt, rounds, CHECKSUM_BYTES, 'sha512')
  return constantTimeEqual(computed, checksum)
}
