/**
 * Python's `str()` and `repr()` of the JSON-like values policy checks compare. oslo.policy compares
 * strings only (`match == str(value)`), so `True`, `None` and `3` must print the way Python prints
 * them for a check such as `None:%(target.role.domain_id)s` to mean what it means in Keystone.
 * @module
 */

/** Python `str(value)` for values that come from JSON, a Caller or a handler's target. */
export function pyStr(value: unknown): string {
  return typeof value === 'string' ? value : pyRepr(value)
}

/** Python `repr(value)`: strings quoted, containers printed the way Python prints them. */
export function pyRepr(value: unknown): string {
  if (typeof value === 'string') return reprString(value)
  if (value === null || value === undefined) return 'None'
  if (typeof value === 'boolean') return value ? 'True' : 'False'
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'number')
    return Number.isInteger(value) ? intText(value) : pyFloatRepr(value)
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`
  if (isPlainObject(value)) {
    const items = Object.entries(value).map(([k, v]) => `${reprString(k)}: ${pyRepr(v)}`)
    return `{${items.join(', ')}}`
  }
  return String(value)
}

/** Objects that Keystone's flatten_dict would treat as mappings (not arrays, dates, maps...). */
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
 * Python's float `repr()`: the same shortest round-trip digits as JS, but Python switches to
 * exponent notation below 1e-4 and from 1e16 (JS: 1e-7 and 1e21) and always shows a fraction.
 */
export function pyFloatRepr(n: number): string {
  if (Number.isNaN(n)) return 'nan'
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf'
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0'
  const [mantissa = '', expText = '0'] = n.toExponential().split('e')
  const exp = Number(expText)
  const negative = mantissa.startsWith('-')
  const digits = mantissa.replace('-', '').replace('.', '')
  const sign = negative ? '-' : ''
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

function reprString(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'"
  let out = quote
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0
    if (ch === quote || ch === '\\') out += `\\${ch}`
    else if (ch === '\n') out += '\\n'
    else if (ch === '\r') out += '\\r'
    else if (ch === '\t') out += '\\t'
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`
    else out += ch
  }
  return out + quote
}
