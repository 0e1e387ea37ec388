/**
 * The Fernet token layout (fernet/spec Spec.md): sealing and opening raw tokens with one key.
 * Version(1) ‖ Timestamp(8, BE seconds) ‖ IV(16) ‖ AES-128-CBC ciphertext(16·n) ‖ HMAC-SHA256(32).
 * @module
 */

import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createSecretKey,
  type Decipher,
  type KeyObject,
  timingSafeEqual,
} from 'node:crypto'
import type { Clock } from '@baton/config'
import { decodeBase64Url, encodeBase64Url } from './base64url.ts'
import { FernetError, FernetErrorCode, invalidToken } from './errors.ts'
import { pooledRandomBytes } from './random_pool.ts'

const VERSION = 0x80
const HEADER_LENGTH = 25 // version + timestamp + IV
const MAC_LENGTH = 32
const BLOCK = 16
/** 1 + 8 + 16 + one block + 32: the spec's `hello` vector is exactly this long. */
const MIN_LENGTH = HEADER_LENGTH + BLOCK + MAC_LENGTH
/** pyca cryptography `_MAX_CLOCK_SKEW`. */
const MAX_CLOCK_SKEW = 60
const TWO_POW_32 = 2 ** 32

/**
 * Key material derived once per key: [0:16] signs, [16:32] encrypts (spec §Key Format).
 * HMAC is measurably faster with a raw Buffer key, AES-CBC with a KeyObject (Node 20). Decryption
 * runs CBC by hand over one long-lived raw AES block decipher (ECB, no padding): building a
 * CBC decipher per token cost more than the AES itself.
 */
export type KeyMaterial = {
  readonly signing: Buffer
  readonly encryption: KeyObject
  readonly blockDecipher: Decipher
}

export function deriveKeyMaterial(key: string): KeyMaterial {
  const bytes = typeof key === 'string' ? decodeBase64Url(key) : undefined
  if (bytes?.length !== 32) {
    throw new FernetError(
      FernetErrorCode.InvalidKey,
      'Fernet key must be 32 url-safe base64-encoded bytes',
    )
  }
  const encryption = createSecretKey(bytes.subarray(16, 32))
  // ECB keeps no state between whole blocks, so one decipher serves every token.
  const blockDecipher = createDecipheriv('aes-128-ecb', encryption, null)
  blockDecipher.setAutoPadding(false)
  const material = { signing: Buffer.from(bytes.subarray(0, 16)), encryption, blockDecipher }
  bytes.fill(0)
  return material
}

/** Decodes and checks everything that needs no key; the result is what every key is tried on. */
export function parseToken(token: string): Buffer {
  if (typeof token !== 'string') throw invalidToken('token is not a string')
  const raw = decodeBase64Url(token)
  if (raw === undefined) throw invalidToken('not url-safe base64')
  return checkRaw(raw)
}

/** The key-free checks on a token already decoded from base64url (by `parseToken` or a caller). */
export function checkRaw(raw: Uint8Array): Buffer {
  if (!(raw instanceof Uint8Array)) throw invalidToken('token bytes are not a Uint8Array')
  const bytes = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.length)
  if (bytes.length < MIN_LENGTH) throw invalidToken('too short')
  if (bytes[0] !== VERSION) throw invalidToken('unknown version')
  // pyca finds this while decrypting; checking early is equivalent since every failure is InvalidToken.
  if ((bytes.length - HEADER_LENGTH - MAC_LENGTH) % BLOCK !== 0) {
    throw invalidToken('ciphertext is not a multiple of the block size')
  }
  return bytes
}

/** Unix seconds from bytes 1..8 (unauthenticated, as keystone's `creation_time` reads it). */
export function rawTimestamp(raw: Buffer): number {
  return raw.readUInt32BE(1) * TWO_POW_32 + raw.readUInt32BE(5)
}

/** pyca `_decrypt_data`: only when a ttl is given, `ts + ttl < now` expires, `now + 60 < ts` is skew. */
export function checkTtl(timestamp: number, ttl: number, now: number): void {
  if (timestamp + ttl < now) throw invalidToken('expired')
  if (now + MAX_CLOCK_SKEW < timestamp) throw invalidToken('timestamp too far in the future')
}

/**
 * Verifies the MAC (constant time) and only then decrypts. Returns undefined when the MAC does
 * not match this key, so MultiFernet can try the next key on the same decoded bytes.
 */
export function openRaw(material: KeyMaterial, raw: Buffer): Buffer | undefined {
  const macStart = raw.length - MAC_LENGTH
  const mac = createHmac('sha256', material.signing).update(raw.subarray(0, macStart)).digest()
  if (!timingSafeEqual(mac, raw.subarray(macStart))) return undefined
  // CBC: P[i] = D(C[i]) xor C[i-1], with C[-1] = IV (bytes 9..25, just before the ciphertext).
  // Whole blocks in, whole blocks out: the shared ECB decipher buffers nothing between tokens.
  const padded = material.blockDecipher.update(raw.subarray(HEADER_LENGTH, macStart))
  for (let i = 0; i < padded.length; i++) padded[i] = (padded[i] ?? 0) ^ (raw[9 + i] ?? 0)
  // Unpad by hand, without an exception path; the MAC already authenticated the ciphertext, so
  // this check is no padding oracle.
  const pad = padded[padded.length - 1] ?? 0
  if (pad < 1 || pad > BLOCK) throw invalidToken('bad padding')
  for (let i = padded.length - pad; i < padded.length - 1; i++) {
    if (padded[i] !== pad) throw invalidToken('bad padding')
  }
  return padded.subarray(0, padded.length - pad)
}

/** Builds the token in one buffer: header, ciphertext and MAC are written in place. */
export function sealToken(
  material: KeyMaterial,
  plaintext: Uint8Array,
  timestamp: number,
  iv: Uint8Array | undefined,
): string {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new FernetError(
      FernetErrorCode.InvalidArgument,
      'timestamp must be a non-negative integer',
    )
  }
  if (iv !== undefined && iv.length !== BLOCK) {
    throw new FernetError(FernetErrorCode.InvalidArgument, 'IV must be 16 bytes')
  }
  const ivBytes = iv ?? pooledRandomBytes(BLOCK)
  const cipherLength = (Math.floor(plaintext.length / BLOCK) + 1) * BLOCK
  const out = Buffer.allocUnsafe(HEADER_LENGTH + cipherLength + MAC_LENGTH)
  out[0] = VERSION
  out.writeUInt32BE(Math.floor(timestamp / TWO_POW_32), 1)
  out.writeUInt32BE(timestamp % TWO_POW_32, 5)
  out.set(ivBytes, 9)
  const cipher = createCipheriv('aes-128-cbc', material.encryption, ivBytes)
  const body = cipher.update(plaintext)
  out.set(body, HEADER_LENGTH)
  out.set(cipher.final(), HEADER_LENGTH + body.length)
  const macStart = HEADER_LENGTH + cipherLength
  out.set(
    createHmac('sha256', material.signing).update(out.subarray(0, macStart)).digest(),
    macStart,
  )
  return encodeBase64Url(out)
}

/** Current unix seconds from a millisecond clock, truncated like pyca's `int(time.time())`. */
export function clockSeconds(clock: Clock): number {
  return Math.floor(clock.now() / 1000)
}
