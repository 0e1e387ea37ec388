/**
 * sha512_crypt (`$6$[rounds=N$]<salt>$<checksum>`), verify only: Keystone reads these legacy
 * hashes (older releases wrote them) but never writes them. Implemented from Ulrich Drepper's
 * published SHA-crypt specification with node:crypto's SHA-512, and checked against passlib/glibc
 * output in the golden tests.
 *
 * Hundreds of thousands of small SHA-512 calls have no async form in node:crypto, so the loops run
 * on the event loop in slices: after ~2 ms of work the computation yields with setImmediate, so
 * I/O and timers keep running while a 656000-round hash takes a second or two. (A worker thread
 * would need its own TypeScript loader under tsx on Node 20; slicing needs nothing.)
 * Parsing follows passlib: rounds 1000..999999999 without zero padding (5000 when omitted), a salt
 * of at most 16 hash64 characters, an 86-character checksum; a password containing NUL never
 * matches (passlib refuses it).
 * @module
 */

import * as nodeCrypto from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { constantTimeEqual, h64EncodeInt } from './encodings.ts'
import { decimal, fields, inBounds, malformedHash } from './hash_format.ts'

const H64 = '[./0-9A-Za-z]'
const SHA512_CRYPT_HASH = new RegExp(`^\\$6\\$(?:rounds=([^$]*)\\$)?(${H64}{0,16})\\$(${H64}{86})$`)
const ROUNDS = { min: 1000, max: 999_999_999 } as const
const IMPLICIT_ROUNDS = 5000
const SLICE_MS = 2
const EMPTY = Buffer.alloc(0)
const DIGEST_GAP = Buffer.alloc(64)

/** Yields to the event loop once a slice of work has used its time. */
class Pacer {
  #sliceStart = performance.now()

  async pace(): Promise<void> {
    if (performance.now() - this.#sliceStart < SLICE_MS) return
    await nextTurn()
    this.#sliceStart = performance.now()
  }
}

/** crypto.hash (one-shot, no Hash object) arrived in Node 20.12; fall back before that. */
const sha512Once: (data: Buffer) => Buffer =
  typeof nodeCrypto.hash === 'function'
    ? (data) => nodeCrypto.hash('sha512', data, 'buffer')
    : (data) => nodeCrypto.createHash('sha512').update(data).digest()

function sha512(...parts: Buffer[]): Buffer {
  const digest = nodeCrypto.createHash('sha512')
  for (const part of parts) digest.update(part)
  return digest.digest()
}

/** `source` repeated and cut to exactly `length` bytes. */
function repeatTo(source: Buffer, length: number): Buffer {
  const out = Buffer.alloc(length)
  for (let at = 0; at < length; at += source.length) source.copy(out, at)
  return out
}

/** The spec's final step: 64 digest bytes in its fixed byte order, as 86 hash64 characters. */
function encodeDigest(c: Buffer): string {
  let text = ''
  for (let i = 0; i < 21; i++) {
    // (0,21,42), (22,43,1), (44,2,23), (3,24,45), ... : the triple rotates by one each step
    const [x, y, z] =
      i % 3 === 0 ? [i, i + 21, i + 42] : i % 3 === 1 ? [i + 21, i + 42, i] : [i + 42, i, i + 21]
    text += h64EncodeInt((c.readUInt8(x) << 16) | (c.readUInt8(y) << 8) | c.readUInt8(z), 4)
  }
  return text + h64EncodeInt(c.readUInt8(63), 2)
}

/** The checksum text for `password`, `salt` (≤ 16 bytes) and `rounds`, computed in slices. */
export async function sha512CryptChecksum(
  password: Buffer,
  salt: Buffer,
  rounds: number,
): Promise<string> {
  const pacer = new Pacer()
  const length = password.length

  // digest B, then A: password, salt, B stretched to the password's length, then B or the
  // password for each bit of the length
  const b = sha512(password, salt, password)
  const a = nodeCrypto
    .createHash('sha512')
    .update(password)
    .update(salt)
    .update(repeatTo(b, length))
  for (let bits = length; bits > 0; bits >>= 1) a.update(bits & 1 ? b : password)
  const digestA = a.digest()

  // P: the password hashed `length` times over (16 MiB for a 4096-byte password, so paced too)
  const dp = nodeCrypto.createHash('sha512')
  for (let i = 0; i < length; i++) {
    dp.update(password)
    if ((i & 63) === 63) await pacer.pace()
  }
  const p = repeatTo(dp.digest(), length)

  // S: the salt hashed 16 + A[0] times
  const ds = nodeCrypto.createHash('sha512')
  for (let i = 0; i < 16 + digestA.readUInt8(0); i++) ds.update(salt)
  const s = repeatTo(ds.digest(), salt.length)

  // each round hashes C beside a fixed run of P and S chosen by round % 2, % 3 and % 7: odd
  // rounds are P [S] [P] C, even rounds are C [S] [P] P. Preallocating the eight layouts with a
  // 64-byte gap for C makes a round one copy and one one-shot hash (half the cost of createHash).
  const layouts: { buffer: Buffer; at: number }[] = []
  for (let index = 0; index < 8; index++) {
    const odd = index & 4
    const run = Buffer.concat([index & 2 ? s : EMPTY, index & 1 ? p : EMPTY])
    const buffer = Buffer.concat(odd ? [p, run, DIGEST_GAP] : [DIGEST_GAP, run, p])
    layouts.push({ buffer, at: odd ? buffer.length - 64 : 0 })
  }
  let c: Buffer = digestA
  for (let i = 0; i < rounds; i++) {
    const layout = layouts[(i & 1 ? 4 : 0) + (i % 3 ? 2 : 0) + (i % 7 ? 1 : 0)]
    if (layout === undefined) throw new Error('unreachable')
    c.copy(layout.buffer, layout.at)
    c = sha512Once(layout.buffer)
    if ((i & 63) === 63) await pacer.pace()
  }
  return encodeDigest(c)
}

export async function verifySha512Crypt(password: Buffer, hash: string): Promise<boolean> {
  const parsed = fields(SHA512_CRYPT_HASH, hash)
  if (parsed === null) throw malformedHash('sha512_crypt')
  const [roundsText = '', salt = '', checksum = ''] = parsed
  const rounds = hash.startsWith('$6$rounds=') ? decimal(roundsText) : IMPLICIT_ROUNDS
  if (!inBounds(rounds, ROUNDS)) throw malformedHash('sha512_crypt')
  if (password.includes(0)) return false
  const computed = await sha512CryptChecksum(password, Buffer.from(salt, 'ascii'), rounds)
  return constantTimeEqual(computed, checksum)
}
