/**
 * Python's `uuid.UUID(str)` acceptance rule and Keystone's `(is_stored_as_bytes, id)` tuples
 * (keystone token_formatters.py `attempt_convert_uuid_hex_to_bytes` / `_convert_or_decode`).
 *
 * CPython 3.11 (what Keystone 22 runs on Debian 12): drop every `urn:` then every `uuid:`, strip
 * `{`/`}` from both ends, drop every `-`, require exactly 32 code points, then `int(hex, 16)`,
 * which maps non-ASCII whitespace to ' ' and non-ASCII decimal digits to ASCII (Unicode 14 tables
 * below), skips surrounding ASCII whitespace, takes a sign, an optional `0x`, and single `_` between
 * digits. So ' +9a2c...' and '٠' * 32 are UUIDs; they round-trip as normalized 32-char lowercase hex.
 * @module
 */

import { MsgpackFormatError, type PyValue } from './msgpack_py.ts'

/** Non-ASCII code points that `str.isspace()` accepts (Python 3.11, Unicode 14.0.0). */
const PY_SPACES = new Set([
  0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008,
  0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
])

/** Digit zero of every non-ASCII run of decimal digits 0-9 (Python 3.11, Unicode 14.0.0). */
const PY_DECIMAL_ZEROS = [
  0x660, 0x6f0, 0x7c0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6, 0xc66, 0xce6, 0xd66, 0xde6, 0xe50,
  0xed0, 0xf20, 0x1040, 0x1090, 0x17e0, 0x1810, 0x1946, 0x19d0, 0x1a80, 0x1a90, 0x1b50, 0x1bb0,
  0x1c40, 0x1c50, 0xa620, 0xa8d0, 0xa900, 0xa9d0, 0xa9f0, 0xaa50, 0xabf0, 0xff10, 0x104a0, 0x10d30,
  0x11066, 0x110f0, 0x11136, 0x111d0, 0x112f0, 0x11450, 0x114d0, 0x11650, 0x116c0, 0x11730, 0x118e0,
  0x11950, 0x11c50, 0x11d50, 0x11da0, 0x16a60, 0x16ac0, 0x16b50, 0x1d7ce, 0x1d7d8, 0x1d7e2, 0x1d7ec,
  0x1d7f6, 0x1e140, 0x1e2f0, 0x1e950, 0x1fbf0,
]

const ASCII_SPACE = new Set([' ', '\t', '\n', '\v', '\f', '\r']) // CPython Py_ISSPACE
const HEX = /^[0-9a-fA-F]$/

// CPython _PyUnicode_TransformDecimalAndSpaceToASCII: anything else non-ASCII makes int() fail.
function toAscii(codePoints: readonly string[]): string | null {
  let out = ''
  for (const ch of codePoints) {
    const cp = ch.codePointAt(0) ?? 0
    if (cp < 127) out += ch
    else if (PY_SPACES.has(cp)) out += ' '
    else {
      const zero = PY_DECIMAL_ZEROS.find((z) => cp >= z && cp < z + 10)
      if (zero === undefined) return null
      out += String(cp - zero)
    }
  }
  return out
}

// CPython PyLong_FromString for base 16.
function parseHexInt(s: string): bigint | null {
  let i = 0
  while (i < s.length && ASCII_SPACE.has(s.charAt(i))) i++
  let negative = false
  if (s.charAt(i) === '+' || s.charAt(i) === '-') negative = s.charAt(i++) === '-'
  if (s.charAt(i) === '0' && (s.charAt(i + 1) === 'x' || s.charAt(i + 1) === 'X')) {
    i += 2
    if (s.charAt(i) === '_') i++ // one underscore may follow the prefix
  }
  let digits = ''
  while (i < s.length) {
    const c = s.charAt(i)
    if (HEX.test(c)) digits += c
    else if (c !== '_' || !HEX.test(s.charAt(i + 1)) || digits === '') break
    i++
  }
  if (digits === '') return null
  while (i < s.length && ASCII_SPACE.has(s.charAt(i))) i++
  if (i !== s.length) return null
  const value = BigInt(`0x${digits}`)
  return negative ? -value : value
}

const PLAIN_HEX_ID = /^[0-9a-fA-F]{32}$/

/** `uuid.UUID(value).bytes`, or null where Python raises ValueError. */
export function pyUuidBytes(value: string): Uint8Array | null {
  // The common case, an ID as Keystone makes them: 32 hex digits are their own 16 bytes.
  if (PLAIN_HEX_ID.test(value)) return Buffer.from(value, 'hex')
  const hex = value
    .replaceAll('urn:', '')
    .replaceAll('uuid:', '')
    .replace(/^[{}]+|[{}]+$/g, '')
    .replaceAll('-', '')
  const codePoints = Array.from(hex)
  if (codePoints.length !== 32) return null
  const ascii = toAscii(codePoints)
  const int = ascii === null ? null : parseHexInt(ascii)
  if (int === null || int < 0n || int >= 1n << 128n) return null
  return Uint8Array.from(Buffer.from(int.toString(16).padStart(32, '0'), 'hex'))
}

/** `uuid.UUID(bytes=b).hex`: 32 lowercase hex characters. */
export function uuidHex(bytes: Uint8Array): string {
  const buffer = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length) // a view, no copy
  return buffer.toString('hex')
}

/** keystone `attempt_convert_uuid_hex_to_bytes`: `[true, 16 bytes]` or `[false, value]`. */
export function packId(value: string | null): [boolean, Uint8Array | string | null] {
  const bytes = value === null ? null : pyUuidBytes(value)
  return bytes === null ? [false, value] : [true, bytes]
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** str, or bytes decoded as UTF-8 (keystone decodes bytes met where text belongs). */
export function pyText(value: PyValue, what: string): string {
  if (typeof value === 'string') return value
  if (value instanceof Uint8Array) {
    try {
      return strictUtf8.decode(value)
    } catch (cause) {
      throw new MsgpackFormatError(`${what} is not UTF-8`, { cause })
    }
  }
  throw new MsgpackFormatError(`${what} is not text`)
}

export function isPyArray(value: PyValue): value is readonly PyValue[] {
  return Array.isArray(value)
}

/**
 * keystone `_convert_or_decode` over a `(flag, value)` pair, strictly typed: the flag must be a
 * bool, `true` needs exactly 16 bytes, `false` needs text or nil (Keystone would pass any value on).
 */
export function unpackId(pair: PyValue, what: string): string | null {
  if (!isPyArray(pair) || pair.length !== 2) {
    throw new MsgpackFormatError(`${what} is not an (is_stored_as_bytes, id) pair`)
  }
  const [flag, value = null] = pair
  if (typeof flag !== 'boolean') throw new MsgpackFormatError(`${what} flag is not a bool`)
  if (flag) {
    if (!(value instanceof Uint8Array) || value.length !== 16) {
      throw new MsgpackFormatError(`${what} is flagged as a UUID but is not 16 bytes`)
    }
    return uuidHex(value)
  }
  return value === null ? null : pyText(value, what)
}
