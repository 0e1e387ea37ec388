/**
 * Python's `repr()` of JSON values, because Keystone's schema messages quote the offending value
 * the way jsonschema does (`%r`): `'x' is not of type 'boolean'`, `None is not of type 'string'`,
 * `{'id': 'a', 'name': 'b'} has too many properties`.
 * @module
 */

/** Quotes a string as CPython's `unicode_repr` does (single quotes unless only `'` occurs). */
export function pyStr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'"
  let out = quote
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0
    if (ch === quote || ch === '\\') out += `\\${ch}`
    else if (ch === '\n') out += '\\n'
    else if (ch === '\r') out += '\\r'
    else if (ch === '\t') out += '\\t'
    else if (code < 0x20 || (code >= 0x7f && code < 0xa0)) out += `\\x${hex(code, 2)}`
    // lone surrogates are not printable in Python either
    else if (code >= 0xd800 && code <= 0xdfff) out += `\\u${hex(code, 4)}`
    else out += ch
  }
  return out + quote
}

function hex(code: number, width: number): string {
  return code.toString(16).padStart(width, '0')
}

/** `repr()` of a value decoded from JSON (dicts keep their key order, as Python's do). */
export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None'
  if (value === true) return 'True'
  if (value === false) return 'False'
  if (typeof value === 'string') return pyStr(value)
  if (typeof value === 'number') return pyNumber(value)
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`
  if (typeof value === 'object') {
    const items = Object.entries(value).map(([k, v]) => `${pyStr(k)}: ${pyRepr(v)}`)
    return `{${items.join(', ')}}`
  }
  return pyStr(String(value))
}

function pyNumber(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e16) return String(value)
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : value < 0 ? '-inf' : 'nan'
  // Python writes exponents with a sign and at least two digits (1e+16), JS without padding.
  return String(value).replace(/e([+-])(\d)$/, 'e$10$2')
}
