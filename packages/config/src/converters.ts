/**
 * String-to-value conversion per option kind, following `oslo_config.types`: Boolean, Integer,
 * Float, Port, String (choices), List(String), Dict(String), MultiString and URI. Each failure is a
 * `ValueProblem` saying what is allowed; the caller adds where the value came from.
 * @module
 */
import { ValueProblem } from './errors.ts'
import { parsePyFloat, parsePyInt } from './numbers.ts'
import type { OptDef } from './options.ts'
import { isPyBlank, pyStrip } from './py_text.ts'
import { checkUri, describeUri } from './uri.ts'

const TRUE = ['true', '1', 'on', 'yes']
const FALSE = ['false', '0', 'off', 'no']
const BOOL_ALLOWED = 'true, 1, on, yes, false, 0, off or no (any case)'
const DICT_ALLOWED = 'key:value pairs separated by commas'

/** Python's Integer/Float return None for a blank value instead of failing. */
export const BLANK: unique symbol = Symbol('blank number')

/** Converts one raw string (one item, for multiStr). */
export function convertRaw(def: OptDef, raw: string): unknown {
  switch (def.kind) {
    case 'bool':
      return convertBool(raw)
    case 'int':
    case 'port':
      return convertInt(def, raw)
    case 'float':
      return convertFloat(def, raw)
    case 'list':
      return convertList(raw)
    case 'dict':
      return convertDict(raw)
    case 'uri':
      return checkUri(raw, def)
    case 'str':
      return checkChoice(def, raw)
    case 'multiStr':
      return raw
  }
}

/** What a valid value looks like, for messages. */
export function describeAllowed(def: OptDef): string {
  switch (def.kind) {
    case 'bool':
      return BOOL_ALLOWED
    case 'int':
      return `an integer${describeBounds(def)}`
    case 'port':
      return `a port number${describeBounds(def)}`
    case 'float':
      return `a number${describeBounds(def)}`
    case 'dict':
      return DICT_ALLOWED
    case 'uri':
      return describeUri(def)
    case 'str':
      return def.choices ? `one of ${def.choices.map(([c]) => `'${c}'`).join(', ')}` : 'any text'
    default:
      return 'any text'
  }
}

function describeBounds(def: OptDef): string {
  const { min, max } = def
  if (min !== undefined && max !== undefined) return ` from ${min} to ${max}`
  if (min !== undefined) return ` >= ${min}`
  if (max !== undefined) return ` <= ${max}`
  return ''
}

function convertBool(raw: string): boolean {
  const s = raw.toLowerCase() // no strip: oslo does not strip either (env values keep spaces)
  if (TRUE.includes(s)) return true
  if (FALSE.includes(s)) return false
  throw new ValueProblem('not a boolean', BOOL_ALLOWED)
}

function convertInt(def: OptDef, raw: string): number | typeof BLANK {
  if (isPyBlank(raw)) return BLANK
  const n = parsePyInt(raw)
  if (n === undefined) throw new ValueProblem('not an integer', describeAllowed(def))
  checkBounds(def, n)
  if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new ValueProblem('too large to represent exactly', `an integer within ±(2^53 - 1)`)
  }
  return Number(n)
}

function convertFloat(def: OptDef, raw: string): number | typeof BLANK {
  if (isPyBlank(raw)) return BLANK
  const n = parsePyFloat(raw)
  if (n === undefined) throw new ValueProblem('not a number', describeAllowed(def))
  checkBounds(def, n)
  return n
}

/** Inclusive bounds; NaN passes, as in Python where every comparison with it is false. */
export function checkBounds(def: OptDef, n: number | bigint): void {
  // `<` compares bigint with number exactly, so 2^63 - 1 bounds work on huge values
  if (def.min !== undefined && n < def.min) {
    throw new ValueProblem(`less than the minimum ${def.min}`, describeAllowed(def))
  }
  if (def.max !== undefined && n > def.max) {
    throw new ValueProblem(`greater than the maximum ${def.max}`, describeAllowed(def))
  }
}

export function checkChoice(def: OptDef, value: string): string {
  if (def.choices === undefined || def.choices.some(([c]) => c === value)) return value
  throw new ValueProblem('not one of the choices', describeAllowed(def))
}

/** types.List(String()): trailing commas dropped, items trimmed, inner empty items kept. */
function convertList(raw: string): string[] {
  const s = pyStrip(raw).replace(/,+$/, '')
  return s === '' ? [] : s.split(',').map(pyStrip)
}

/** types.Dict(String()): a piece without `:` is glued to the next one with its comma, as oslo does. */
function convertDict(raw: string): Record<string, string> {
  const entries: [string, string][] = []
  const s = pyStrip(raw)
  if (s === '') return {}
  const pairs = s.split(',')
  while (pairs.length > 0) {
    let pair = pairs.shift() as string
    while (!pair.includes(':')) {
      if (pairs.length === 0) {
        throw new ValueProblem('not a key:value pair', DICT_ALLOWED)
      }
      pair += `,${pairs.shift() as string}`
    }
    const at = pair.indexOf(':')
    const key = pyStrip(pair.slice(0, at))
    if (key === '') throw new ValueProblem('empty key', 'key:value pairs with non-empty keys')
    if (entries.some(([k]) => k === key))
      throw new ValueProblem('a key appears twice', 'unique keys')
    entries.push([key, pyStrip(pair.slice(at + 1))])
  }
  // fromEntries defines own properties, so a key named __proto__ stays an ordinary key
  return Object.fromEntries(entries)
}
