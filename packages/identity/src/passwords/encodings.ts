/**
 * The text encodings inside modular-crypt hash strings, as passlib reads and writes them:
 * - b64s: standard base64 without padding (scrypt's `$scrypt$` salt and checksum);
 * - ab64: b64s with `.` for `+` (pbkdf2 salt and checksum; decoding accepts both);
 * - bcrypt64: `./A-Za-z0-9`, big-endian, with unused low bits in the last character;
 * - hash64 (h64): `./0-9A-Za-z`, little-endian (sha512_crypt, scrypt's `$7$`).
 * Decoders are strict about the alphabet and length (Node's own base64 decoder skips junk, which
 * would let a garbled hash parse) and return null instead of throwing.
 * Also the one constant-time comparison every verifier uses.
 * @module
 */

import { timingSafeEqual } from 'node:crypto'

export const BCRYPT64 = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
export const HASH64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

export function b64sEncode(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64').replace(/=+$/, '')
}

export function b64sDecode(text: string): Buffer | null {
  // a length of 4k+1 cannot come from whole bytes (binascii rejects it too)
  if (!/^[A-Za-z0-9+/]*$/.test(text) || text.length % 4 === 1) return null
  return Buffer.from(text, 'base64')
}

export function ab64Encode(bytes: Uint8Array): string {
  return b64sEncode(bytes).replaceAll('+', '.')
}

export function ab64Decode(text: string): Buffer | null {
  return /^[A-Za-z0-9+/.]*$/.test(text) ? b64sDecode(text.replaceAll('.', '+')) : null
}

/**
 * Clears the unused low bits of a bcrypt64 string's last character, as passlib does before
 * comparing (`check_repair_unused`: some old libraries left them set). `usedBits` is how many
 * high bits of that character carry data: 2 for a 22-character salt, 4 for a 31-character checksum.
 */
export function bcrypt64Canonical(text: string, usedBits: 2 | 4): string {
  const last = BCRYPT64.indexOf(text.slice(-1))
  if (last < 0) return text
  const mask = usedBits === 2 ? 0x30 : 0x3c
  return text.slice(0, -1) + BCRYPT64.charAt(last & mask)
}

/** True when the last character already has its unused bits clear. */
export function bcrypt64IsCanonical(text: string, usedBits: 2 | 4): boolean {
  return bcrypt64Canonical(text, usedBits) === text
}

/** Little-endian hash64 value of up to five characters (passlib h64.decode_int6/int30). */
export function h64DecodeInt(text: string): number | null {
  let value = 0
  for (let i = text.length - 1; i >= 0; i--) {
    const digit = HASH64.indexOf(text.charAt(i))
    if (digit < 0) return null
    value = value * 64 + digit
  }
  return value
}

/** passlib h64.decode_bytes: little-endian 24-bit groups; unused bits of a short tail ignored. */
export function h64DecodeBytes(text: string): Buffer | null {
  if (text.length % 4 === 1) return null
  const out: number[] = []
  for (let i = 0; i < text.length; i += 4) {
    const group = text.slice(i, i + 4)
    const value = h64DecodeInt(group)
    if (value === null) return null
    const bytes = group.length - 1
    for (let b = 0; b < bytes; b++) out.push((value >>> (8 * b)) & 0xff)
  }
  return Buffer.from(out)
}

/** Appends `count` hash64 characters of `value`, least significant six bits first. */
export function h64EncodeInt(value: number, count: number): string {
  let text = ''
  let rest = value
  for (let i = 0; i < count; i++) {
    text += HASH64.charAt(rest & 0x3f)
    rest >>>= 6
  }
  return text
}

/** Constant-time equality; unequal lengths are public (fixed by the format) and simply differ. */
export function constantTimeEqual(a: Uint8Array | string, b: Uint8Array | string): boolean {
  const left = typeof a === 'string' ? Buffer.from(a, 'latin1') : a
  const right = typeof b === 'string' ? Buffer.from(b, 'latin1') : b
  return left.length === right.length && timingSafeEqual(left, right)
}
