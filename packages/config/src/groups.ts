/**
 * Option groups (`defineGroup`) and the registry a program loads with: groups of the same name from
 * different packages merge, and an option declared twice must be declared identically.
 * @module
 */
import { BLANK, convertRaw } from './converters.ts'
import { ConfigError, ConfigErrorCode, ValueProblem } from './errors.ts'
import type { Opt, OptDef } from './options.ts'

export type OptionSpecs = Readonly<Record<string, Opt<unknown>>>

export interface OptionGroup<S extends OptionSpecs = OptionSpecs> {
  /** The section name; `DEFAULT` is the unnamed default group. */
  readonly name: string
  readonly help: string | undefined
  readonly options: S
}

/** The typed, frozen values of a group. */
export type GroupValues<S extends OptionSpecs> = {
  readonly [K in keyof S]: S[K] extends Opt<infer T> ? T : never
}

/** oslo.config's `_normalize_group_name`: section names are case-insensitive, except `DEFAULT`. */
export function normalizeGroupName(name: string): string {
  return name === 'DEFAULT' ? name : name.toLowerCase()
}

/** Names that cannot be written as an INI key, or that oslo rejects (`_x`) or rewrites (`a-b`). */
const BAD_NAME = /[=:\s[\]-]|^[#;_]/

/** Declares a group of options; the value types of `config.get(group)` follow from `options`. */
export function defineGroup<S extends OptionSpecs>(
  name: string,
  options: S,
  meta: { readonly help?: string } = {},
): OptionGroup<S> {
  if (name === '' || /[\]\n\r]/.test(name)) {
    throw new ConfigError(ConfigErrorCode.Definition, `invalid group name ${JSON.stringify(name)}`)
  }
  for (const [optName, def] of Object.entries(options)) {
    if (optName === '' || BAD_NAME.test(optName)) {
      throw new ConfigError(
        ConfigErrorCode.Definition,
        `[${name}] ${JSON.stringify(optName)} cannot be written in an INI file`,
      )
    }
    checkDefault(name, optName, def)
  }
  return Object.freeze({ name, help: meta.help, options: Object.freeze({ ...options }) })
}

/** Non-template defaults are checked now, so a bad declaration fails at import, not at load. */
function checkDefault(group: string, name: string, def: OptDef): void {
  const value = def.default
  if (def.min !== undefined && def.max !== undefined && def.max < def.min) {
    throw new ConfigError(ConfigErrorCode.Definition, `[${group}] ${name}: max is less than min`)
  }
  if (value === undefined || typeof value === 'boolean' || typeof value === 'object') return
  // like oslo's `_default_is_ref`: a template default is checked after substitution, at load
  if (typeof value === 'string' && value.replaceAll('\\$', '').replaceAll('$$', '').includes('$'))
    return
  try {
    const raw = typeof value === 'number' ? String(value) : value
    if (convertRaw(def, raw) === BLANK) throw new ValueProblem('blank', 'a number')
  } catch (err) {
    const reason = err instanceof ValueProblem ? `${err.message}; allowed: ${err.allowed}` : ''
    throw new ConfigError(
      ConfigErrorCode.Definition,
      `[${group}] ${name}: the default is not valid: ${reason}`,
      { cause: err },
    )
  }
}

export interface RegisteredGroup {
  /** The name as first declared (used for env variable names and sample headers). */
  readonly name: string
  readonly help: string | undefined
  readonly options: ReadonlyMap<string, OptDef>
}

/** Merges the declared groups by normalized name; clashing duplicate options are errors. */
export function buildRegistry(groups: readonly OptionGroup[]): Map<string, RegisteredGroup> {
  const merged = new Map<
    string,
    { name: string; help: string | undefined; options: Map<string, OptDef> }
  >()
  for (const group of groups) {
    const key = normalizeGroupName(group.name)
    let entry = merged.get(key)
    if (entry === undefined) {
      entry = { name: group.name, help: group.help, options: new Map() }
      merged.set(key, entry)
    }
    entry.help ??= group.help
    for (const [name, def] of Object.entries(group.options)) {
      const existing = entry.options.get(name)
      if (existing !== undefined && !sameDefinition(existing, def)) {
        throw new ConfigError(
          ConfigErrorCode.Definition,
          `[${group.name}] ${name} is declared twice with different definitions`,
        )
      }
      entry.options.set(name, existing ?? def)
    }
  }
  return merged
}

function sameDefinition(a: OptDef, b: OptDef): boolean {
  return a === b || stableJson(a) === stableJson(b)
}

function stableJson(value: OptDef): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))
}
