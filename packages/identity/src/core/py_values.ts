/**
 * Reading untrusted JSON the way Keystone's Python does: `dict.get` only on own keys, Python
 * truthiness, and `in` (which on a string scope is a substring test).
 * @module
 */

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** `value.get(key)` for a dict; undefined for anything else or an inherited key. */
export function get(value: unknown, key: string): unknown {
  return isObject(value) && Object.hasOwn(value, key) ? value[key] : undefined
}

/** Python `key in value` for the dicts and strings a request carries. */
export function contains(value: unknown, key: string): boolean {
  if (typeof value === 'string') return value.includes(key)
  if (Array.isArray(value)) return value.includes(key)
  return isObject(value) && Object.hasOwn(value, key)
}

/** Python `bool(value)` for JSON values. */
export function truthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') {
    return false
  }
  if (Array.isArray(value)) return value.length > 0
  if (isObject(value)) return Object.keys(value).length > 0
  return true
}

/** A truthy string, or undefined (IDs and names that Keystone would look up and not find). */
export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}
