/**
 * The loaded configuration: typed, frozen values per group, the warnings collected while loading,
 * and where each value came from (secrets redacted everywhere).
 * @module
 */
import { ConfigError, ConfigErrorCode } from './errors.ts'
import {
  type GroupValues,
  normalizeGroupName,
  type OptionGroup,
  type OptionSpecs,
  type RegisteredGroup,
} from './groups.ts'
import type { ResolvedOption, ValueSource } from './resolve.ts'
import { displayValue, iniText, REDACTED } from './values.ts'
import type { ClassifiedEntry } from './warnings.ts'

/** Where one option's value came from, and its display text (`****` for secrets). */
export interface OptionSource {
  readonly source: ValueSource
  readonly display: string
  readonly secret: boolean
}

export type GroupSources<S extends OptionSpecs> = { readonly [K in keyof S]: OptionSource }

export interface Config {
  /** The group's values, typed from its declaration and frozen. */
  get<G extends OptionGroup>(group: G): GroupValues<G['options']>
  /** Where each of the group's values came from. */
  sources<G extends OptionGroup>(group: G): GroupSources<G['options']>
  /** The effective configuration as INI text with sources as comments; secrets are redacted. */
  dump(): string
  /** One line per unknown or deprecated option name, empty value, etc. Never thrown. */
  readonly warnings: readonly string[]
  /** The files read, in order (later ones win). */
  readonly files: readonly string[]
  /** Options the files set that OpenStack declares but this program knowingly does not read. */
  readonly unused: readonly ClassifiedEntry[]
}

export type ResolvedGroups = ReadonlyMap<string, ReadonlyMap<string, ResolvedOption>>

export class LoadedConfig implements Config {
  readonly warnings: readonly string[]
  readonly files: readonly string[]
  readonly unused: readonly ClassifiedEntry[]
  readonly #registry: ReadonlyMap<string, RegisteredGroup>
  readonly #resolved: ResolvedGroups
  readonly #cache = new WeakMap<OptionGroup, unknown>()

  constructor(
    registry: ReadonlyMap<string, RegisteredGroup>,
    resolved: ResolvedGroups,
    warnings: readonly string[],
    files: readonly string[],
    unused: readonly ClassifiedEntry[] = [],
  ) {
    this.#registry = registry
    this.#resolved = resolved
    this.warnings = Object.freeze([...warnings])
    this.files = Object.freeze([...files])
    this.unused = Object.freeze([...unused])
  }

  get<G extends OptionGroup>(group: G): GroupValues<G['options']> {
    const cached = this.#cache.get(group)
    if (cached !== undefined) return cached as GroupValues<G['options']>
    const values = this.#groupValues(group)
    const frozen = Object.freeze(
      Object.fromEntries([...values].map(([name, r]) => [name, r.value])),
    ) as GroupValues<G['options']>
    this.#cache.set(group, frozen)
    return frozen
  }

  sources<G extends OptionGroup>(group: G): GroupSources<G['options']> {
    const values = this.#groupValues(group)
    const out: Record<string, OptionSource> = {}
    for (const [name, r] of values) {
      const def = group.options[name]
      if (def === undefined) continue
      out[name] = Object.freeze({
        source: r.source,
        display: displayValue(def, r.value),
        secret: def.secret,
      })
    }
    return Object.freeze(out) as GroupSources<G['options']>
  }

  dump(): string {
    const out: string[] = []
    const keys = [...this.#registry.keys()].sort((a, b) =>
      a === 'DEFAULT' ? -1 : b === 'DEFAULT' ? 1 : a < b ? -1 : a > b ? 1 : 0,
    )
    for (const key of keys) {
      const group = this.#registry.get(key) as RegisteredGroup
      out.push(`[${group.name}]`)
      for (const [name, def] of group.options) {
        const r = this.#resolved.get(key)?.get(name)
        if (r === undefined) continue
        out.push(`# from ${describeSource(r.source)}`)
        const lines = def.secret && r.value !== undefined ? [REDACTED] : iniText(def, r.value)
        if (lines.length === 0) out.push(`#${name} = <None>`)
        for (const line of lines) out.push(`${name} = ${line.replaceAll('\n', '\n    ')}`)
      }
      out.push('')
    }
    return out.join('\n')
  }

  #groupValues(group: OptionGroup): ReadonlyMap<string, ResolvedOption> {
    const key = normalizeGroupName(group.name)
    const resolved = this.#resolved.get(key)
    const registered = this.#registry.get(key)
    if (resolved === undefined || registered === undefined) {
      throw new ConfigError(
        ConfigErrorCode.UnknownGroup,
        `option group [${group.name}] was not among the groups given to loadConfig()`,
      )
    }
    const values = new Map<string, ResolvedOption>()
    for (const name of Object.keys(group.options)) {
      const r = resolved.get(name)
      if (r === undefined) {
        throw new ConfigError(
          ConfigErrorCode.UnknownGroup,
          `[${group.name}] ${name} was not among the options given to loadConfig()`,
        )
      }
      values.set(name, r)
    }
    return values
  }
}

export function describeSource(source: ValueSource): string {
  switch (source.kind) {
    case 'file':
      return `${source.path}:${source.line}`
    case 'env':
      return `environment variable ${source.variable}`
    case 'override':
      return 'override'
    default:
      return 'default'
  }
}
