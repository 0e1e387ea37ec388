/**
 * List filters as Keystone reads them from the query string (`ResourceBase.build_driver_hints`,
 * `filter_by_attributes`, `query_filter_is_true` in keystone/server/flask/common.py): exact
 * filters on the listed attributes, inexact `<attr>__contains|startswith|endswith` and their
 * case-insensitive `__i*` forms, every repeated parameter as one more filter (all must match),
 * booleans decoded with oslo's `bool_from_string` (anything not false-ish is true).
 * @module
 */

import type { TextFilter } from '../../store/index.ts'
import { isObject } from '../py_values.ts'

/** The query string as ordered (key, value) pairs; repeated keys stay repeated. */
export type QueryArgs = readonly (readonly [string, string])[]

export function parseQuery(rawQuery: string): QueryArgs {
  return [...new URLSearchParams(rawQuery).entries()]
}

/** flask `request.args.get(name)`: the first value, or undefined. */
export function firstArg(args: QueryArgs, name: string): string | undefined {
  return args.find(([key]) => key === name)?.[1]
}

export function hasArg(args: QueryArgs, name: string): boolean {
  return args.some(([key]) => key === name)
}

/** `query_filter_is_true`: present and not exactly "0" (`?effective` alone counts as true). */
export function queryFlag(args: QueryArgs, name: string): boolean {
  const value = firstArg(args, name)
  return value !== undefined && value !== '0'
}

const FALSE_STRINGS = new Set(['0', 'f', 'false', 'off', 'n', 'no'])

/** keystone `attr_as_boolean` (oslo `bool_from_string(value, default=True)`). */
export function attrAsBoolean(value: string): boolean {
  return !FALSE_STRINGS.has(value.trim().toLowerCase())
}

export type Filter = {
  readonly name: string
  readonly value: string
  /** `equals` for exact filters; inexact ones carry whatever followed `__` (minus the `i`). */
  readonly comparator: string
  readonly caseSensitive: boolean
}

export function buildHints(args: QueryArgs, supported: readonly string[]): Filter[] {
  const filters: Filter[] = []
  for (const [key, value] of args) {
    if (supported.includes(key)) {
      filters.push({ name: key, value, comparator: 'equals', caseSensitive: true })
      continue
    }
    for (const base of supported) {
      if (!key.startsWith(`${base}__`)) continue
      let comparator = key.slice(base.length + 2)
      const caseSensitive = !comparator.startsWith('i')
      if (!caseSensitive) comparator = comparator.slice(1)
      filters.push({ name: base, value, comparator, caseSensitive })
    }
  }
  return filters
}

/** Exact-match values of one attribute, for pushing the first one down to the store. */
export function exactValues(filters: readonly Filter[], name: string): string[] {
  return filters.filter((f) => f.name === name && f.comparator === 'equals').map((f) => f.value)
}

/** The first filter on `name` as the store's TextFilter, when the store can apply it. */
export function textFilter(filters: readonly Filter[], name: string): TextFilter | undefined {
  const f = filters.find((x) => x.name === name)
  if (f === undefined) return undefined
  if (f.comparator === 'equals') return f.value
  if (!['contains', 'startswith', 'endswith'].includes(f.comparator)) return undefined
  return {
    match: f.comparator as 'contains' | 'startswith' | 'endswith',
    value: f.value,
    caseInsensitive: !f.caseSensitive,
  }
}

/** `filter_by_attributes`: every filter must match the rendered entity. */
export function matchesFilters(ref: Record<string, unknown>, filters: readonly Filter[]): boolean {
  return filters.every((f) => (f.comparator === 'equals' ? exact(ref, f) : inexact(ref, f)))
}

function exact(ref: Record<string, unknown>, f: Filter): boolean {
  const actual = flattenDict(ref)[f.name]
  if (typeof actual === 'boolean') return actual === attrAsBoolean(f.value)
  return actual === f.value
}

function inexact(ref: Record<string, unknown>, f: Filter): boolean {
  if (!Object.hasOwn(ref, f.name)) return false
  const target = ref[f.name]
  // Keystone fails with a 500 on inexact filters over non-strings; here they match nothing.
  if (typeof target !== 'string') return false
  const want = f.caseSensitive ? f.value : f.value.toLowerCase()
  const have = f.caseSensitive ? target : target.toLowerCase()
  switch (f.comparator) {
    case 'contains':
      return have.includes(want)
    case 'startswith':
      return have.startsWith(want)
    case 'endswith':
      return have.endsWith(want)
    default:
      return true // keystone silently ignores comparators it does not know
  }
}

/** keystone.common.utils.flatten_dict: nested objects become dotted keys, lists stay. */
export function flattenDict(value: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) {
    const name = prefix === '' ? key : `${prefix}.${key}`
    if (isObject(item)) Object.assign(out, flattenDict(item, name))
    else out[name] = item
  }
  return out
}
