/**
 * Which file names are keys: keystone fernet_utils `_get_key_files` keeps a file when Python's
 * `int(filename)` accepts its name, so `01`, `+1`, ` 2 `, `1_0` and non-ASCII digits all count.
 * @module
 */

// What int() strips around the number: ASCII Py_ISSPACE, plus non-ASCII str.isspace()
// characters (mapped to ' ' first); \x1c-\x1f are isspace() but int() rejects them.
const PY_SPACE =
  '[\\t\\n\\v\\f\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]'
const PY_INT = new RegExp(`^${PY_SPACE}*([+-]?)(\\p{Nd}+(?:_\\p{Nd}+)*)${PY_SPACE}*$`, 'u')
const DECIMAL_DIGIT = /\p{Nd}/u

/** Decimal value of a Unicode Nd digit: Nd digits come in contiguous runs 0..9 (Unicode policy). */
function digitValue(codePoint: number): number {
  if (codePoint >= 0x30 && codePoint <= 0x39) return codePoint - 0x30
  let start = codePoint
  while (DECIMAL_DIGIT.test(String.fromCodePoint(start - 1))) start--
  return (codePoint - start) % 10
}

/**
 * Returns the key number Python's `int()` would give, `undefined` when it would raise, and
 * `Number.NaN` when it is an integer beyond 2^53 (the caller refuses such a repository).
 */
export function parseKeyNumber(name: string): number | undefined {
  const match = PY_INT.exec(name)
  if (match === null) return undefined
  const [, sign = '', digits = ''] = match
  let value = 0
  for (const char of digits) {
    if (char === '_') continue
    value = value * 10 + digitValue(char.codePointAt(0) ?? 0)
  }
  if (!Number.isSafeInteger(value)) return Number.NaN
  return sign === '-' && value !== 0 ? -value : value
}
