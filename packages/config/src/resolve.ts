/**
 * Resolves one option the way `ConfigOpts._do_get` does: override, then environment, then files,
 * then the default; `$name` substitution before conversion; conversion errors that say where the
 * value came from (never what a secret value was).
 * @module
 */
import { BLANK, convertRaw } from './converters.ts'
import { ConfigError, ConfigErrorCode, ValueProblem } from './errors.ts'
import { normalizeGroupName, type RegisteredGroup } from './groups.ts'
import { envName, type FileLayer, type FileValue, fileValues, type LookupName } from './layers.ts'
import type { OptDef } from './options.ts'
import { pyRepr } from './py_repr.ts'
import { type SubstitutionScope, substitute } from './substitute.ts'
import { displayValue, substitutionText } from './values.ts'

/** Where a value came from. */
export type ValueSource =
  | { readonly kind: 'default' }
  | { readonly kind: 'file'; readonly path: string; readonly line: number }
  | { readonly kind: 'env'; readonly variable: string }
  | { readonly kind: 'override' }

export interface ResolvedOption {
  readonly value: unknown
  readonly source: ValueSource
}

export type Overrides = ReadonlyMap<string, ReadonlyMap<string, string | readonly string[]>>

export interface ResolverInput {
  readonly registry: ReadonlyMap<string, RegisteredGroup>
  readonly layers: readonly FileLayer[]
  readonly env: Readonly<Record<string, string | undefined>>
  readonly overrides: Overrides
  readonly warn: (message: string) => void
}

interface Candidate {
  readonly raws: readonly string[]
  readonly source: ValueSource
  /** The file value behind each raw string, for line numbers in messages. */
  readonly files?: readonly FileValue[]
}

export class Resolver {
  readonly #input: ResolverInput
  readonly #done = new Map<string, ResolvedOption>()
  readonly #active = new Set<string>()

  constructor(input: ResolverInput) {
    this.#input = input
  }

  /** `groupKey` is the normalized group name. Memoized; `$` reference cycles are errors. */
  resolve(groupKey: string, name: string): ResolvedOption {
    const id = `${groupKey}\u0000${name}`
    const done = this.#done.get(id)
    if (done !== undefined) return done
    const group = this.#input.registry.get(groupKey)
    const def = group?.options.get(name)
    if (group === undefined || def === undefined) {
      throw new ConfigError(ConfigErrorCode.UnknownOption, `[${groupKey}] ${name} is not declared`)
    }
    if (this.#active.has(id)) {
      throw new ConfigError(
        ConfigErrorCode.Substitution,
        `[${group.name}] ${name}: its value refers back to itself through $ references`,
      )
    }
    this.#active.add(id)
    try {
      const result = this.#resolve(group, name, def)
      this.#done.set(id, result)
      return result
    } finally {
      this.#active.delete(id)
    }
  }

  #resolve(group: RegisteredGroup, name: string, def: OptDef): ResolvedOption {
    const candidate = this.#candidate(group, name, def)
    if (candidate === undefined) return this.#fromDefault(group, name, def)
    const values = candidate.raws.map((raw, i) => {
      const file = candidate.files?.[i]
      const where = describeWhere(candidate.source, file, group.name, name)
      return this.#convert(def, raw, where, group.name)
    })
    const value = def.kind === 'multiStr' ? Object.freeze(values) : values[0]
    if (value !== BLANK) return { value, source: candidate.source }
    const where = describeWhere(candidate.source, candidate.files?.[0], group.name, name)
    if (def.default === undefined) return this.#checkRequired(group, name, def, undefined)
    const fallback = this.#fromDefault(group, name, def)
    this.#input.warn(
      `${where}: the value is empty; oslo.config would read it as None, Baton uses the default ` +
        `${displayValue(def, fallback.value)}`,
    )
    return fallback
  }

  #candidate(group: RegisteredGroup, name: string, def: OptDef): Candidate | undefined {
    const key = normalizeGroupName(group.name)
    const override = this.#input.overrides.get(key)?.get(name)
    if (override !== undefined) {
      const raws = typeof override === 'string' ? [override] : [...override]
      return { raws: def.kind === 'multiStr' ? raws : raws.slice(-1), source: { kind: 'override' } }
    }
    const variable = envName(group.name, name)
    const env = this.#input.env[variable]
    // oslo's env source splits a multiStr value into characters; Baton keeps it as one value
    if (env !== undefined) return { raws: [env], source: { kind: 'env', variable } }
    const names: LookupName[] = [
      { group: group.name, name },
      ...def.deprecatedNames.map((d) => ({ group: d.group ?? group.name, name: d.name })),
    ]
    const files = fileValues(this.#input.layers, names, def.kind === 'multiStr')
    if (files === undefined) return undefined
    const newest = files[files.length - 1] as FileValue
    return {
      raws: files.map((f) => f.value),
      source: { kind: 'file', path: newest.path, line: newest.line },
      files,
    }
  }

  #fromDefault(group: RegisteredGroup, name: string, def: OptDef): ResolvedOption {
    const where = `the default of [${group.name}] ${name}`
    const sub = (s: string): string => substitute(s, this.#scope(group.name, where))
    const d = def.default
    let value: unknown = d
    if (typeof d === 'string') value = this.#convert(def, d, where, group.name)
    else if (Array.isArray(d)) value = Object.freeze(d.map(sub))
    else if (typeof d === 'object') {
      value = Object.freeze(Object.fromEntries(Object.entries(d).map(([k, v]) => [sub(k), sub(v)])))
    }
    return this.#checkRequired(group, name, def, value === BLANK ? undefined : value)
  }

  #checkRequired(
    group: RegisteredGroup,
    name: string,
    def: OptDef,
    value: unknown,
  ): ResolvedOption {
    if (value === undefined && def.required) {
      throw new ConfigError(
        ConfigErrorCode.Required,
        `[${group.name}] ${name} is required: set it in a config file or with the environment ` +
          `variable ${envName(group.name, name)}`,
      )
    }
    return { value, source: { kind: 'default' } }
  }

  #convert(def: OptDef, raw: string, where: string, group: string): unknown {
    const text = substitute(raw, this.#scope(group, where))
    try {
      const value = convertRaw(def, text)
      return typeof value === 'object' && value !== null ? Object.freeze(value) : value
    } catch (err) {
      if (!(err instanceof ValueProblem)) throw err
      const shown = def.secret
        ? ': the value (secret, not shown) is not valid'
        : ` = ${pyRepr(raw)} is not valid`
      throw new ConfigError(
        ConfigErrorCode.Value,
        `${where}${shown} (${err.message}); allowed: ${err.allowed}`,
        { cause: err },
      )
    }
  }

  #scope(group: string, where: string): SubstitutionScope {
    const registry = this.#input.registry
    return {
      group,
      where,
      hasGroup: (name) => {
        if (name === 'DEFAULT') return false
        const declared = registry.get(normalizeGroupName(name))
        // oslo looks groups up by their exact declared name; undeclared ones exist if a file has them
        if (declared !== undefined) return declared.name === name
        return this.#input.layers.some((l) => l.values.has(normalizeGroupName(name)))
      },
      lookup: (g, o) => this.#lookup(g, o),
    }
  }

  /** A declared option's converted value as Python's `str()`; else the raw text of an unknown one. */
  #lookup(group: string, name: string): string | undefined {
    const key = normalizeGroupName(group)
    const def = this.#input.registry.get(key)?.options.get(name)
    if (def !== undefined) return substitutionText(def, this.resolve(key, name).value)
    // an option Baton does not declare (Keystone may): its file text, as oslo would see it unconverted
    const raw = fileValues(this.#input.layers, [{ group, name }], false)?.[0]
    if (raw === undefined) return undefined
    const id = `raw\u0000${key}\u0000${name}`
    if (this.#active.has(id)) return undefined
    this.#active.add(id)
    try {
      return substitute(
        raw.value,
        this.#scope(group, `${raw.path}:${raw.line}: [${group}] ${name}`),
      )
    } finally {
      this.#active.delete(id)
    }
  }
}

function describeWhere(
  source: ValueSource,
  file: FileValue | undefined,
  group: string,
  name: string,
): string {
  const option = `[${group}] ${name}`
  switch (source.kind) {
    case 'file': {
      const at = file ?? source
      const written = file?.deprecated
        ? ` (written as [${file.deprecated.group}] ${file.deprecated.name})`
        : ''
      return `${at.path}:${at.line}: ${option}${written}`
    }
    case 'env':
      return `environment variable ${source.variable}: ${option}`
    case 'override':
      return `override of ${option}`
    default:
      return `the default of ${option}`
  }
}
