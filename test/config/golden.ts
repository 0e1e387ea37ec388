/**
 * Shared by the golden tests: reads `fixtures/oslo_golden.json` (written by
 * `fixtures/generate_oslo_golden.py` from the real oslo.config) and rebuilds its option sets with
 * `opt.*`, so the TypeScript side declares exactly what the Python side registered.
 * @module
 */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineGroup, type Opt, type OptionGroup, opt } from '@baton/config'

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures')

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

export interface OptionDescription {
  readonly group: string
  readonly name: string
  readonly kind: string
  readonly help?: string
  readonly default?: Json
  readonly min?: Json
  readonly max?: Json
  readonly choices?: (string | [string, string | null])[]
  readonly schemes?: string[]
  readonly maxLength?: number
  readonly secret?: boolean
  readonly required?: boolean
  readonly deprecatedNames?: { group?: string; name: string }[]
  readonly deprecatedForRemoval?: boolean
  readonly deprecatedReason?: string
  readonly deprecatedSince?: string
  readonly advanced?: boolean
  readonly sampleDefault?: string
}

export type Outcome = { value: Json } | { error: string }

export interface Scenario {
  readonly name: string
  readonly set: string
  readonly files: string[]
  readonly env?: Record<string, string>
  readonly cli?: [string, string, string][]
  readonly results: Record<string, Record<string, Outcome>>
  readonly loadError?: string
}

export interface ParseResult {
  readonly sections?: [string, [string, string[]][]][]
  readonly normalized?: [string, [string, string[]][]][]
  readonly error?: { line: number; message: string }
}

export interface Golden {
  readonly oslo_config: string
  readonly parse: Record<string, ParseResult>
  readonly options: Record<string, OptionDescription[]>
  readonly groupHelp: Record<string, string>
  readonly typed: Scenario[]
  readonly sampleFile: string
  readonly keystone: {
    readonly options: OptionDescription[]
    readonly results: Record<string, Record<string, Record<string, Outcome>>>
  }
}

export const golden = JSON.parse(readFileSync(join(FIXTURES, 'oslo_golden.json'), 'utf8')) as Golden

function isTagged(value: Json, tag: string): value is { [key: string]: string } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && tag in value
}

/** Decodes the generator's tagged floats and big integers. */
export function decode(value: Json): unknown {
  if (isTagged(value, 'float')) {
    const f = value.float as string
    return f === 'inf' ? Infinity : f === '-inf' ? -Infinity : f === 'nan' ? Number.NaN : Number(f)
  }
  if (isTagged(value, 'bigint')) return BigInt(value.bigint as string)
  if (Array.isArray(value)) return value.map(decode)
  return value
}

function build(d: OptionDescription): Opt<unknown> {
  const common = {
    help: d.help ?? '',
    ...(d.default !== undefined && d.default !== null
      ? { default: decode(d.default) as never }
      : {}),
    ...(d.secret !== undefined ? { secret: d.secret } : {}),
    ...(d.required !== undefined ? { required: d.required } : {}),
    ...(d.deprecatedNames ? { deprecatedNames: d.deprecatedNames } : {}),
    ...(d.deprecatedForRemoval !== undefined
      ? { deprecatedForRemoval: d.deprecatedForRemoval }
      : {}),
    ...(d.deprecatedReason !== undefined ? { deprecatedReason: d.deprecatedReason } : {}),
    ...(d.deprecatedSince !== undefined ? { deprecatedSince: d.deprecatedSince } : {}),
    ...(d.advanced !== undefined ? { advanced: d.advanced } : {}),
    ...(d.sampleDefault !== undefined ? { sampleDefault: d.sampleDefault } : {}),
  }
  const bounds = {
    ...(d.min !== undefined ? { min: decode(d.min) as number | bigint } : {}),
    ...(d.max !== undefined ? { max: decode(d.max) as number | bigint } : {}),
  }
  switch (d.kind) {
    case 'str': {
      const choices = d.choices?.map((c) =>
        typeof c === 'string' ? c : ([c[0], c[1] ?? ''] as const),
      )
      return opt.str({ ...common, ...(choices ? { choices } : {}) })
    }
    case 'int':
      return opt.int({ ...common, ...bounds })
    case 'float':
      return opt.float({ ...common, ...bounds })
    case 'port':
      return opt.port({ ...common, ...bounds })
    case 'bool':
      return opt.bool(common)
    case 'list':
      return opt.list(common)
    case 'dict':
      return opt.dict(common)
    case 'multiStr':
      return opt.multiStr(common)
    case 'uri':
      return opt.uri({
        ...common,
        ...(d.schemes ? { schemes: d.schemes } : {}),
        ...(d.maxLength !== undefined ? { maxLength: d.maxLength } : {}),
      })
    default:
      throw new Error(`unknown kind ${d.kind}`)
  }
}

/** Builds groups from option descriptions, optionally keeping only some options. */
export function groupsOf(
  descriptions: readonly OptionDescription[],
  keep: (d: OptionDescription) => boolean = () => true,
): OptionGroup[] {
  const byGroup = new Map<string, Record<string, Opt<unknown>>>()
  for (const d of descriptions) {
    if (!keep(d)) continue
    const options = byGroup.get(d.group) ?? {}
    options[d.name] = build(d)
    byGroup.set(d.group, options)
  }
  return [...byGroup].map(([name, options]) => {
    const help = golden.groupHelp[name]
    return defineGroup(name, options, help === undefined ? {} : { help })
  })
}

/** [help text, oslo-config-generator's rendering] for every keystone option. */
export const wrapCases = (golden as unknown as { wrap: [string, string][] }).wrap
