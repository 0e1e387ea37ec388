/**
 * Python's `json.dumps` with its defaults (`ensure_ascii`, `", "` and `": "` separators), which
 * Keystone uses for credential blobs: an EC2 blob is encrypted as `json.dumps(blob)`, so Baton
 * must write the same bytes for Keystone to read them back unchanged, and vice versa.
 * @module
 */

function pyString(text: string): string {
  let out = '"'
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    const ch = text[i] as string
    if (ch === '"') out += '\\"'
    else if (ch === '\\') out += '\\\\'
    else if (ch === '\n') out += '\\n'
    else if (ch === '\r') out += '\\r'
    else if (ch === '\t') out += '\\t'
    else if (ch === '\b') out += '\\b'
    else if (ch === '\f') out += '\\f'
    else if (c < 0x20 || c > 0x7e) out += `\\u${c.toString(16).padStart(4, '0')}`
    else out += ch
  }
  return `${out}"`
}

/** `json.dumps(value)` for JSON values (integers as Python prints them; floats as JavaScript). */
export function pyJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return 'null'
  if (value === true) return 'true'
  if (value === false) return 'false'
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN'
    if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity'
    return String(value)
  }
  if (typeof value === 'string') return pyString(value)
  if (Array.isArray(value)) return `[${value.map(pyJsonDumps).join(', ')}]`
  if (typeof value === 'object') {
    const items = Object.entries(value as Record<string, unknown>).map(
      ([k, v]) => `${pyString(k)}: ${pyJsonDumps(v)}`,
    )
    return `{${items.join(', ')}}`
  }
  return pyString(String(value))
}
