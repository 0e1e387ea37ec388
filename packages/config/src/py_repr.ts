/**
 * Python's `str()` and `repr()`, once for every package: OpenStack prints values the Python way
 * and Baton's output must match it byte for byte (oslo.config's `$name` substitution and messages,
 * oslo.policy's `match == str(value)`, jsonschema's `%r` in Keystone's 400 messages).
 *
 * The value model (JS value -> the Python value it stands for):
 * - `null`, `undefined` -> `None`; `true`/`false` -> `True`/`False`
 * - an integral `number` and a `bigint` -> `int` (every digit, as Python prints ints; past 2^53 a
 *   `number` holds only the nearest double); any other `number` (NaN, the infinities) -> `float`,
 *   printed as `repr(float)`. A JS number cannot say it was `2.0`: a caller that knows it holds a
 *   float (a float option, a float literal) prints it with `pyFloatRepr`.
 * - `string` -> `str`; an array -> `list`; a plain object -> `dict` (insertion order, as Python)
 * - anything else (Date, Map, class instances) -> `str()` of its JS `String()`, a fallback.
 * @module
 */

/** Python's `str(value)`: a str is itself, everything else is its `repr()`. */
export function pyStr(value: unknown): string {
  return typeof value === 'string' ? value : pyRepr(value)
}

/** Python's `repr(value)`: strs quoted, containers printed with their items' `repr()`. */
export function pyRepr(value: unknown): string {
  if (typeof value === 'string') return reprStr(value)
  if (value === null || value === undefined) return 'None'
  if (typeof value === 'boolean') return value ? 'True' : 'False'
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'number')
    return Number.isInteger(value) ? intText(value) : pyFloatRepr(value)
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`
  if (isPlainObject(value)) {
    const items = Object.entries(value).map(([k, v]) => `${reprStr(k)}: ${pyRepr(v)}`)
    return `{${items.join(', ')}}`
  }
  return String(value)
}

/** Objects Python code would see as a dict (not arrays, dates, maps, class instances). */
export function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const proto: unknown = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/** Integers beyond 2^53 would print in exponent form in JS; Python prints every digit. */
function intText(n: number): string {
  return Number.isSafeInteger(n) ? String(n) : BigInt(n).toString()
}

/**
 * Python's `repr(float)`: the same shortest round-trip digits as JS, but Python switches to
 * exponent notation below 1e-4 and from 1e16 (JS: 1e-7 and 1e21) and always shows a fraction.
 */
export function pyFloatRepr(n: number): string {
  if (Number.isNaN(n)) return 'nan'
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf'
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0'
  const [mantissa = '', expText = '0'] = n.toExponential().split('e')
  const exp = Number(expText)
  const sign = mantissa.startsWith('-') ? '-' : ''
  const digits = mantissa.replace('-', '').replace('.', '')
  if (exp < -4 || exp >= 16) {
    const frac = digits.slice(1)
    const e = `${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`
    return `${sign}${digits[0]}${frac ? `.${frac}` : ''}e${e}`
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`
  const whole = digits.slice(0, exp + 1).padEnd(exp + 1, '0')
  const frac = digits.slice(exp + 1)
  return `${sign}${whole}.${frac || '0'}`
}

/**
 * What `str.isprintable()` refuses, so `repr()` escapes: Unicode's Other (control, format,
 * surrogate, private use, unassigned) and Separator categories, except the ASCII space.
 */
const NOT_PRINTABLE = /[\p{C}\p{Z}]/u

/** CPython's `unicode_repr`: single quotes unless only `'` occurs, non-printables escaped. */
function reprStr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'"
  let out = quote
  for (const ch of s) {
    if (ch === quote || ch === '\\') out += `\\${ch}`
    else if (ch === '\n') out += '\\n'
    else if (ch === '\r') out += '\\r'
    else if (ch === '\t') out += '\\t'
    else if (ch !== ' ' && NOT_PRINTABLE.test(ch)) out += escapeCode(ch.codePointAt(0) ?? 0)
    else out += ch
  }
  return out + quote
}

function escapeCode(code: number): string {
  if (code <= 0xff) return `\\x${code.toString(16).padStart(2, '0')}`
  if (code <= 0xffff) return `\\u${code.toString(16).padStart(4, '0')}`
  return `\\U${code.toString(16).padStart(8, '0')}`
}
