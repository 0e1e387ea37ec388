/**
 * Turning typed values back into text: INI form (for sample configs, `dump()` and `sources()`), and
 * Python's `str()` form, which is what a `$name` reference to a non-string option expands to.
 * @module
 */
import type { OptDef } from './options.ts'
import { pyFloatRepr, pyStr } from './py_repr.ts'

/** Shown instead of any secret value. */
export const REDACTED = '****'

function isStringList(value: unknown): value is readonly string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string')
}

function isStringRecord(value: unknown): value is Readonly<Record<string, string>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The value as it would be written in an INI file (one string per line for multiStr). */
export function iniText(def: OptDef, value: unknown): string[] {
  if (value === undefined) return []
  if (def.kind === 'multiStr' && isStringList(value)) return [...value]
  if (isStringList(value)) return [value.join(',')]
  if (isStringRecord(value)) {
    return [
      Object.entries(value)
        .map(([k, v]) => `${k}:${v}`)
        .join(','),
    ]
  }
  if (typeof value === 'number') return [def.kind === 'float' ? pyFloatRepr(value) : String(value)]
  return [String(value)]
}

/** A display string for messages and `sources()`: secrets are never rendered. */
export function displayValue(def: OptDef, value: unknown): string {
  if (value === undefined) return '<None>'
  if (def.secret) return REDACTED
  return iniText(def, value).join('\n')
}

/** Python's `str(value)` of the converted value, as `string.Template` substitution inserts it. */
export function substitutionText(def: OptDef, value: unknown): string {
  if (value === undefined) return ''
  // a float option holds a Python float even when its value is integral (`2` is `2.0`)
  if (typeof value === 'number' && def.kind === 'float') return pyFloatRepr(value)
  return pyStr(value)
}
