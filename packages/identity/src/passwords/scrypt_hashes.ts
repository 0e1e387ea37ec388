/**
 * passlib's scrypt: written as `$scrypt$ln=<log2 N>,r=<r>,p=<p>$<b64s salt>$<b64s checksum>`
 * (32-byte checksum, standard base64 without padding, not ab64). Also read: the `$7$` form of the
 * scrypt reference implementation, which Keystone dispatches to passlib too (one character log2 N,
 * five-character r and p in hash64, the salt used as its literal text, a hash64 checksum).
 * node:crypto's async scrypt runs on the libuv pool; maxmem is raised to what N and r need.
 * @module
 */

import { randomBytes, scrypt } from 'node:crypto'
import { promisify } from 'node:util'
import { PasswordHashConfigError } from '../errors.ts'
import {
  b64sDecode,
  b64sEncode,
  constantTimeEqual,
  h64DecodeBytes,
  h64DecodeInt,
} from './encodings.ts'
import { fields, malformedHash } from './hash_format.ts'
import { MAX_SALT_BYTES, scryptMemory, scryptParamsProblem } from './hashing_options.ts'

const CHECKSUM_BYTES = 32
const H64 = '[./0-9A-Za-z]'
const SCRYPT_HASH = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([^$]*)\$([^$]+)$/
const SCRYPT7_HASH = new RegExp(`^\\$7\\$(${H64})(${H64}{5})(${H64}{5})([^$]*)\\$(${H64}{43})$`)

const scryptAsync = promisify(scrypt) as (
  password: Buffer,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>

interface ScryptSettings {
  logN: number
  r: number
  p: number
  salt: Buffer
}

function derive(password: Buffer, s: ScryptSettings): Promise<Buffer> {
  // a little headroom over OpenSSL's own accounting
  const maxmem = scryptMemory(s.logN, s.r, s.p) + 1024 * 1024
  return scryptAsync(password, s.salt, CHECKSUM_BYTES, { N: 2 ** s.logN, r: s.r, p: s.p, maxmem })
}

export async function hashScrypt(
  password: Buffer,
  params: { rounds: number; blockSize: number; parallelism: number; saltBytes: number },
): Promise<string> {
  const settings = {
    logN: params.rounds,
    r: params.blockSize,
    p: params.parallelism,
    salt: randomBytes(params.saltBytes),
  }
  let checksum: Buffer
  try {
    checksum = await derive(password, settings)
  } catch (error) {
    // OpenSSL's own limits (N below 2**(16r)) go beyond passlib's checks
    throw new PasswordHashConfigError('scrypt settings: refused by OpenSSL', { cause: error })
  }
  return (
    `$scrypt$ln=${settings.logN},r=${settings.r},p=${settings.p}` +
    `$${b64sEncode(settings.salt)}$${b64sEncode(checksum)}`
  )
}

/** Reads either form into settings and the expected checksum; throws on anything malformed. */
function parse(hash: string): { settings: ScryptSettings; checksum: Buffer } {
  let settings: ScryptSettings | null = null
  let checksum: Buffer | null = null
  const modern = fields(SCRYPT_HASH, hash)
  if (modern !== null) {
    const [ln = '', r = '', p = '', salt = '', digest = ''] = modern
    const saltBytes = b64sDecode(salt)
    checksum = b64sDecode(digest)
    if (saltBytes !== null) {
      // passlib reads these with int(), zero padding and all
      settings = { logN: Number(ln), r: Number(r), p: Number(p), salt: saltBytes }
    }
  } else if (hash.startsWith('$7$')) {
    const reference = fields(SCRYPT7_HASH, hash)
    if (reference !== null) {
      const [ln = '', r = '', p = '', salt = '', digest = ''] = reference
      checksum = h64DecodeBytes(digest)
      settings = {
        logN: h64DecodeInt(ln) ?? Number.NaN,
        r: h64DecodeInt(r) ?? Number.NaN,
        p: h64DecodeInt(p) ?? Number.NaN,
        salt: Buffer.from(salt, 'latin1'),
      }
    }
  }
  if (
    settings === null ||
    checksum?.length !== CHECKSUM_BYTES ||
    settings.salt.length > MAX_SALT_BYTES ||
    !Number.isSafeInteger(settings.logN + settings.r + settings.p) ||
    scryptParamsProblem(settings.logN, settings.r, settings.p) !== null
  ) {
    throw malformedHash('scrypt')
  }
  return { settings, checksum }
}

export async function verifyScrypt(password: Buffer, hash: string): Promise<boolean> {
  const { settings, checksum } = parse(hash)
  let computed: Buffer
  try {
    computed = await derive(password, settings)
  } catch (error) {
    // parameters OpenSSL refuses (e.g. N too large for r) are a bad hash, not a crash
    throw malformedHash('scrypt', error)
  }
  return constantTimeEqual(computed, checksum)
}
