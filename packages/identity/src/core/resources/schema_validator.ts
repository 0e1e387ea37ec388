/**
 * The slice of JSON Schema draft 4 Keystone's request schemas use, checked the way jsonschema
 * 4.x does it in `keystone/common/validation/validators.py`: keywords in the order the schema
 * lists them, the first failure wins, and its message is jsonschema's own
 * (`Invalid input for field 'name': 1 is not of type 'string'`, or without the field prefix when
 * the failure is on the object itself). Keystone appends jsonschema's multi-line "Failed
 * validating ..." dump of the schema to the message; Baton stops at the first line.
 * @module
 */

import { pyRepr } from '@baton/config'
import { ValidationError } from '../../errors.ts'
import { isObject } from '../py_values.ts'

export type JsonType = 'string' | 'boolean' | 'object' | 'array' | 'null' | 'integer' | 'number'

/** A schema; keyword order matters (it is the order jsonschema checks them in). */
export type Schema = {
  readonly type?: JsonType | readonly JsonType[]
  readonly enum?: readonly unknown[]
  readonly minLength?: number
  readonly maxLength?: number
  readonly pattern?: string
  readonly properties?: Readonly<Record<string, Schema>>
  readonly required?: readonly string[]
  readonly additionalProperties?: boolean
  readonly minProperties?: number
  readonly maxProperties?: number
  readonly items?: Schema
  readonly minItems?: number
  readonly maxItems?: number
  readonly uniqueItems?: boolean
  readonly minimum?: number
  readonly maximum?: number
  /** Exactly one branch must hold (the unified-limit create bodies). */
  readonly oneOf?: readonly Schema[]
}

type Failure = { readonly path: readonly (string | number)[]; readonly message: string }

/** Fields (`a/b/c`) whose value a message must never quote: it is shown as `***`. */
export type Hidden = ReadonlySet<string>

const NOTHING_HIDDEN: Hidden = new Set()

/** Throws Keystone's SchemaValidationError (400) for the first failure. */
export function validate(schema: Schema, instance: unknown, hidden = NOTHING_HIDDEN): void {
  const failure = check(schema, instance, [], hidden)
  if (failure === undefined) return
  const message =
    failure.path.length === 0
      ? failure.message
      : `Invalid input for field '${failure.path.join('/')}': ${failure.message}`
  throw new ValidationError(message)
}

function check(
  schema: Schema,
  value: unknown,
  path: (string | number)[],
  hidden: Hidden,
): Failure | undefined {
  for (const keyword of Object.keys(schema) as (keyof Schema)[]) {
    const message = checkKeyword(schema, keyword, value, path, hidden)
    if (message !== undefined) return message
  }
  return undefined
}

function checkKeyword(
  schema: Schema,
  keyword: keyof Schema,
  value: unknown,
  path: (string | number)[],
  hidden: Hidden,
): Failure | undefined {
  // Module functions rather than per-call closures: this runs for every keyword of every body.
  switch (keyword) {
    case 'type': {
      const types = typeof schema.type === 'string' ? [schema.type] : (schema.type ?? [])
      if (types.some((t) => isType(value, t))) return undefined
      return failure(
        path,
        `${shown(value, path, hidden)} is not of type ${types.map((t) => pyRepr(t)).join(', ')}`,
      )
    }
    case 'enum':
      if ((schema.enum ?? []).some((e) => pyEqual(e, value))) return undefined
      return failure(path, `${shown(value, path, hidden)} is not one of ${pyRepr(schema.enum)}`)
    case 'minLength':
      if (typeof value !== 'string' || codePoints(value) >= (schema.minLength ?? 0)) return
      return failure(path, `${shown(value, path, hidden)} is too short`)
    case 'maxLength':
      if (typeof value !== 'string' || codePoints(value) <= (schema.maxLength ?? Infinity)) return
      return failure(path, `${shown(value, path, hidden)} is too long`)
    case 'pattern':
      // jsonschema uses re.search: the pattern may match anywhere
      if (typeof value !== 'string' || compiledPattern(schema.pattern ?? '').test(value)) return
      return failure(
        path,
        `${shown(value, path, hidden)} does not match ${pyRepr(schema.pattern ?? '')}`,
      )
    case 'properties':
      if (!isObject(value)) return undefined
      for (const [name, sub] of Object.entries(schema.properties ?? {})) {
        if (!Object.hasOwn(value, name)) continue
        const failure = check(sub, value[name], [...path, name], hidden)
        if (failure) return failure
      }
      return undefined
    case 'required': {
      if (!isObject(value)) return undefined
      const missing = (schema.required ?? []).find((name) => !Object.hasOwn(value, name))
      return missing === undefined
        ? undefined
        : failure(path, `${pyRepr(missing)} is a required property`)
    }
    case 'additionalProperties': {
      if (schema.additionalProperties !== false || !isObject(value)) return undefined
      const extras = Object.keys(value).filter((k) => !Object.hasOwn(schema.properties ?? {}, k))
      if (extras.length === 0) return undefined
      const verb = extras.length === 1 ? 'was' : 'were'
      return failure(
        path,
        `Additional properties are not allowed (${extras.map((e) => pyRepr(e)).join(', ')} ${verb} unexpected)`,
      )
    }
    case 'minProperties':
      if (!isObject(value) || Object.keys(value).length >= (schema.minProperties ?? 0)) return
      return failure(path, `${shown(value, path, hidden)} does not have enough properties`)
    case 'maxProperties':
      if (!isObject(value) || Object.keys(value).length <= (schema.maxProperties ?? Infinity))
        return
      return failure(path, `${shown(value, path, hidden)} has too many properties`)
    case 'items':
      if (!Array.isArray(value) || schema.items === undefined) return undefined
      for (const [index, item] of value.entries()) {
        const failure = check(schema.items, item, [...path, index], hidden)
        if (failure) return failure
      }
      return undefined
    case 'minItems':
      if (!Array.isArray(value) || value.length >= (schema.minItems ?? 0)) return undefined
      return failure(path, `${shown(value, path, hidden)} is too short`)
    case 'maxItems':
      if (!Array.isArray(value) || value.length <= (schema.maxItems ?? Infinity)) return undefined
      return failure(path, `${shown(value, path, hidden)} is too long`)
    case 'uniqueItems':
      if (!schema.uniqueItems || !Array.isArray(value)) return undefined
      for (let i = 0; i < value.length; i++) {
        for (let j = i + 1; j < value.length; j++) {
          if (pyEqual(value[i], value[j]))
            return failure(path, `${shown(value, path, hidden)} has non-unique elements`)
        }
      }
      return undefined
    case 'minimum':
      if (typeof value !== 'number' || value >= (schema.minimum ?? -Infinity)) return undefined
      return failure(
        path,
        `${shown(value, path, hidden)} is less than the minimum of ${pyRepr(schema.minimum)}`,
      )
    case 'maximum':
      if (typeof value !== 'number' || value <= (schema.maximum ?? Infinity)) return undefined
      return failure(
        path,
        `${shown(value, path, hidden)} is greater than the maximum of ${pyRepr(schema.maximum)}`,
      )
    case 'oneOf':
      return checkOneOf(schema.oneOf ?? [], value, path, hidden)
  }
}

/** jsonschema's `oneOf`: Keystone reports the object itself, not a branch's first failure. */
function checkOneOf(
  branches: readonly Schema[],
  value: unknown,
  path: (string | number)[],
  hidden: Hidden,
): Failure | undefined {
  const holding = branches.filter((b) => check(b, value, path, hidden) === undefined).length
  if (holding === 1) return undefined
  const what = holding === 0 ? 'is not valid under any of' : 'is valid under each of'
  return failure(path, `${shown(value, path, hidden)} ${what} the given schemas`)
}

function failure(path: readonly (string | number)[], message: string): Failure {
  return { path, message }
}

function shown(value: unknown, path: readonly (string | number)[], hidden: Hidden): string {
  return hidden.has(path.join('/')) ? '***' : pyRepr(value)
}

/** Schemas are module constants: a handful of patterns, each compiled once. */
const patterns = new Map<string, RegExp>()

function compiledPattern(pattern: string): RegExp {
  let compiled = patterns.get(pattern)
  if (compiled === undefined) {
    compiled = new RegExp(pattern, 'u')
    patterns.set(pattern, compiled)
  }
  return compiled
}

function isType(value: unknown, type: JsonType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string'
    case 'boolean':
      return typeof value === 'boolean'
    case 'null':
      return value === null
    case 'object':
      return isObject(value)
    case 'array':
      return Array.isArray(value)
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value)
    case 'number':
      return typeof value === 'number'
  }
}

/** Python's `==` on decoded JSON, except that jsonschema keeps booleans apart from numbers. */
function pyEqual(a: unknown, b: unknown): boolean {
  if (typeof a === 'boolean' || typeof b === 'boolean') return a === b
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => pyEqual(item, b[i]))
  }
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a)
    return (
      keys.length === Object.keys(b).length &&
      keys.every((k) => Object.hasOwn(b, k) && pyEqual(a[k], b[k]))
    )
  }
  return a === b || (a === null && b === undefined) || (a === undefined && b === null)
}

/** Python's `len()` of a str counts code points, not UTF-16 units. */
export function codePoints(text: string): number {
  let count = 0
  for (const _ of text) count++
  return count
}
