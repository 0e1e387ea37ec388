/**
 * Option declarations (`opt.int({...})` and friends): each one carries its type, default, bounds,
 * help and secrecy, and its TypeScript value type, so `config.get(group)` is typed without casts at
 * the call site. An option with no default that is not `required` reads as `T | undefined`.
 * @module
 */
import { ConfigError, ConfigErrorCode } from './errors.ts'

export type OptKind =
  | 'str'
  | 'int'
  | 'float'
  | 'bool'
  | 'port'
  | 'list'
  | 'multiStr'
  | 'dict'
  | 'uri'

/** An older place the option used to live; files may still use it (env variables may not). */
export interface DeprecatedName {
  /** Defaults to the option's own group. */
  readonly group?: string
  readonly name: string
}

/** A choice, optionally with a description shown in sample configs. */
export type Choice = string | readonly [value: string, description: string]

export type DefaultValue =
  | string
  | number
  | boolean
  | readonly string[]
  | Readonly<Record<string, string>>

/** The runtime shape shared by every option. */
export interface OptDef {
  readonly kind: OptKind
  readonly help: string
  readonly default: DefaultValue | undefined
  readonly secret: boolean
  readonly required: boolean
  readonly deprecatedNames: readonly DeprecatedName[]
  readonly deprecatedForRemoval: boolean
  readonly deprecatedReason: string | undefined
  readonly deprecatedSince: string | undefined
  readonly advanced: boolean
  /** Shown in the sample config instead of the real default (e.g. a host-dependent value). */
  readonly sampleDefault: string | undefined
  readonly min: number | bigint | undefined
  readonly max: number | bigint | undefined
  readonly choices: readonly (readonly [string, string | undefined])[] | undefined
  readonly schemes: readonly string[] | undefined
  readonly maxLength: number | undefined
}

/** An option whose value reads as `T`. The phantom field is never set. */
export interface Opt<T> extends OptDef {
  readonly __value?: T
}

/** What every constructor accepts. */
export interface CommonOptions<D> {
  readonly help: string
  readonly default?: D
  readonly secret?: boolean
  readonly required?: boolean
  readonly deprecatedNames?: readonly DeprecatedName[]
  readonly deprecatedForRemoval?: boolean
  readonly deprecatedReason?: string
  readonly deprecatedSince?: string
  readonly advanced?: boolean
  readonly sampleDefault?: string
}

export interface StrOptions extends CommonOptions<string> {
  readonly choices?: readonly Choice[]
}
export interface NumberOptions extends CommonOptions<number> {
  readonly min?: number | bigint
  readonly max?: number | bigint
}
export interface UriOptions extends CommonOptions<string> {
  readonly schemes?: readonly string[]
  readonly maxLength?: number
}
export type BoolOptions = CommonOptions<boolean>
export type ListOptions = CommonOptions<readonly string[]>
export type DictOptions = CommonOptions<Readonly<Record<string, string>>>

/** Overloads: a default or `required: true` makes the value always present. */
export interface OptFactory<D, O extends CommonOptions<D>, T = D> {
  (options: O & { readonly default: D }): Opt<T>
  (options: O & { readonly required: true }): Opt<T>
  (options: O): Opt<T | undefined>
}

type AnyOptions = CommonOptions<DefaultValue> & {
  readonly choices?: readonly Choice[]
  readonly min?: number | bigint
  readonly max?: number | bigint
  readonly schemes?: readonly string[]
  readonly maxLength?: number
}

function build(kind: OptKind, o: AnyOptions): Opt<never> {
  if (typeof o.help !== 'string') {
    throw new ConfigError(ConfigErrorCode.Definition, `a ${kind} option needs help text`)
  }
  const bounds = kind === 'port' ? { min: o.min ?? 0, max: o.max ?? 65535 } : o
  return Object.freeze({
    kind,
    help: o.help,
    default: freezeDefault(o.default),
    secret: o.secret ?? false,
    required: o.required ?? false,
    deprecatedNames: deprecatedNames(o.deprecatedNames ?? []),
    deprecatedForRemoval: o.deprecatedForRemoval ?? false,
    deprecatedReason: o.deprecatedReason,
    deprecatedSince: o.deprecatedSince,
    advanced: o.advanced ?? false,
    sampleDefault: o.sampleDefault,
    min: bounds.min,
    max: bounds.max,
    choices: o.choices?.map((c): readonly [string, string | undefined] =>
      typeof c === 'string' ? [c, undefined] : [c[0], c[1]],
    ),
    schemes: o.schemes,
    maxLength: o.maxLength,
  })
}

/** As oslo does, a dashed deprecated name is also looked up with underscores (appended last). */
function deprecatedNames(names: readonly DeprecatedName[]): readonly DeprecatedName[] {
  const underscored = names
    .filter((d) => d.name.includes('-'))
    .map((d) => ({ ...d, name: d.name.replaceAll('-', '_') }))
  return Object.freeze([...names, ...underscored].map((d) => Object.freeze({ ...d })))
}

function freezeDefault(value: DefaultValue | undefined): DefaultValue | undefined {
  if (Array.isArray(value)) return Object.freeze([...value])
  if (typeof value === 'object') return Object.freeze({ ...value })
  return value
}

function factory<D, O extends CommonOptions<D>, T = D>(kind: OptKind): OptFactory<D, O, T> {
  return ((options: AnyOptions) => build(kind, options)) as OptFactory<D, O, T>
}

/** Option constructors, one per oslo.config option type. */
export const opt = Object.freeze({
  /** StrOpt: free text; `choices` restricts it (case-sensitive). */
  str: factory<string, StrOptions>('str'),
  /** IntOpt: Python `int()` syntax, optional inclusive `min`/`max`. */
  int: factory<number, NumberOptions>('int'),
  /** FloatOpt: Python `float()` syntax, optional inclusive `min`/`max`. */
  float: factory<number, NumberOptions>('float'),
  /** BoolOpt: true/1/on/yes or false/0/off/no, any case. */
  bool: factory<boolean, BoolOptions>('bool'),
  /** PortOpt: an integer within 0..65535 (narrowed by `min`/`max`). */
  port: factory<number, NumberOptions>('port'),
  /** ListOpt: comma-separated, items trimmed; an empty value is []. */
  list: factory<readonly string[], ListOptions>('list'),
  /** MultiStrOpt: every occurrence of the key, in every file, in order. */
  multiStr: factory<readonly string[], ListOptions>('multiStr'),
  /** DictOpt: `key:value,key2:value2`. */
  dict: factory<Readonly<Record<string, string>>, DictOptions>('dict'),
  /** URIOpt: an RFC 3986 URI with a scheme and a host. */
  uri: factory<string, UriOptions>('uri'),
})
