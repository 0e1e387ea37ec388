/**
 * Python's `int(str)` and `float(str)` grammars, which oslo's Integer and Float types call: surrounding
 * whitespace, a sign, `_` between digits and any Unicode decimal digit are accepted; `0x10`, `1.0`
 * (for int) and `1e3` (for int) are not.
 * @module
 */
import { pyStrip } from './py_text.ts'

const INT = /^[+-]?\p{Nd}(?:_?\p{Nd})*$/u
const DIGITS = String.raw`\p{Nd}(?:_?\p{Nd})*`
const FLOAT = new RegExp(
  String.raw`^[+-]?(?:(?:${DIGITS}(?:\.(?:${DIGITS})?)?|\.${DIGITS})(?:[eE][+-]?${DIGITS})?|inf|infinity|nan)$`,
  'iu',
)
const ND = /\p{Nd}/u

/** Unicode decimal digits come in aligned runs of ten (0-9), so a digit's value is its run offset. */
function asciiDigit(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0
  if (cp < 0x80) return ch
  let start = cp
  while (start > 0 && ND.test(String.fromCodePoint(start - 1))) start--
  return String((cp - start) % 10)
}

function toAscii(s: string): string {
  let out = ''
  for (const ch of s) out += ND.test(ch) ? asciiDigit(ch) : ch
  return out.replaceAll('_', '')
}

/** `int(value)` as Python parses it, or undefined when Python would raise ValueError. */
export function parsePyInt(value: string): bigint | undefined {
  const s = pyStrip(value)
  if (!INT.test(s)) return undefined
  return BigInt(toAscii(s))
}

/** `float(value)` as Python parses it, or undefined when Python would raise ValueError. */
export function parsePyFloat(value: string): number | undefined {
  const s = pyStrip(value)
  if (!FLOAT.test(s)) return undefined
  const ascii = toAscii(s).toLowerCase()
  const unsigned = ascii.replace(/^[+-]/, '')
  const negative = ascii.startsWith('-')
  if (unsigned === 'nan') return Number.NaN
  if (unsigned === 'inf' || unsigned === 'infinity') {
    return negative ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY
  }
  return Number(ascii)
}
