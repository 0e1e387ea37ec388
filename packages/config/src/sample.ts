/**
 * `generateSampleConfig()`: the sample file oslo-config-generator would write for the same options
 * (`[DEFAULT]` first, other groups sorted, help wrapped at 70 columns ending in `(type value)`,
 * bounds, choices, deprecations, then `#name = default`).
 * @module
 */
import { buildRegistry, type OptionGroup, type RegisteredGroup } from './groups.ts'
import type { OptDef, OptKind } from './options.ts'
import { pyFloatRepr } from './py_repr.ts'
import { pySplitlines, pyStrip } from './py_text.ts'
import { wrapText } from './text_wrap.ts'

export interface SampleOptions {
  /** Shown as `# From <namespace>` (oslo's entry-point namespace); default `baton`. */
  readonly namespace?: string
  /** Help line width; oslo's default is 70 (0 means 998, as in oslo). */
  readonly wrapWidth?: number
}

const TYPE_NAMES: Readonly<Record<OptKind, string>> = {
  str: 'string value',
  int: 'integer value',
  float: 'floating point value',
  bool: 'boolean value',
  port: 'port value',
  list: 'list value',
  multiStr: 'multi valued',
  dict: 'dict value',
  uri: 'uri value',
}

export function generateSampleConfig(
  groups: readonly OptionGroup[],
  options: SampleOptions = {},
): string {
  const width = (options.wrapWidth ?? 70) || 998
  const namespace = options.namespace ?? 'baton'
  const registry = buildRegistry(groups)
  const names = [...registry.keys()].filter((k) => k !== 'DEFAULT').sort()
  const out: string[] = []
  out.push(...formatGroup(registry.get('DEFAULT'), 'DEFAULT', namespace, width))
  for (const key of names) {
    const group = registry.get(key) as RegisteredGroup
    if (group.options.size === 0) continue
    out.push('\n\n', ...formatGroup(group, group.name, namespace, width))
  }
  return out.join('')
}

function formatGroup(
  group: RegisteredGroup | undefined,
  name: string,
  namespace: string,
  width: number,
): string[] {
  const out = [`[${name}]\n`]
  if (group === undefined) return out
  if (group.help) out.push(formatHelp(group.help, width))
  if (group.options.size === 0) return out
  out.push(`\n#\n# From ${namespace}\n#\n`)
  // oslo sorts by `advanced` only, a stable sort: declaration order otherwise
  const opts = [...group.options].sort(([, a], [, b]) => Number(a.advanced) - Number(b.advanced))
  for (const [optName, def] of opts) out.push('\n', formatOption(optName, def, name, width))
  return out
}

/** `_OptFormatter._format_help`: each help line wrapped separately, blank lines as `#`. */
export function formatHelp(text: string, width = 70): string {
  let out = ''
  for (const line of pySplitlines(text)) {
    const wrapped = wrapText(line, { width, initialIndent: '# ', subsequentIndent: '# ' })
    out += wrapped.length === 0 ? '#\n' : `${wrapped.join('\n')}\n`
  }
  return out
}

function formatOption(name: string, def: OptDef, group: string, width: number): string {
  const type = TYPE_NAMES[def.kind]
  const prefix =
    def.deprecatedForRemoval && !def.help.startsWith('DEPRECATED') ? 'DEPRECATED: ' : ''
  const lines = [formatHelp(def.help ? `${prefix}${def.help} (${type})` : `(${type})`, width)]
  if (def.min !== undefined) lines.push(`# Minimum value: ${formatNumber(def, def.min)}\n`)
  if (def.max !== undefined) lines.push(`# Maximum value: ${formatNumber(def, def.max)}\n`)
  if (def.choices && def.choices.length > 0) {
    lines.push('# Possible values:\n')
    for (const [choice, description] of def.choices) {
      const text = `${choice === '' ? "''" : choice} - ${description || '<No description provided>'}`
      lines.push(formatHelp(text, width))
    }
  }
  for (const d of def.deprecatedNames) {
    if (!d.name.includes('-'))
      lines.push(`# Deprecated group/name - [${d.group ?? group}]/${d.name}\n`)
  }
  if (def.deprecatedForRemoval) {
    const since = def.deprecatedSince ? ` since ${def.deprecatedSince}` : ''
    lines.push(`# This option is deprecated for removal${since}.\n`)
    lines.push('# Its value may be silently ignored in the future.\n')
    if (def.deprecatedReason) lines.push(formatHelp(`Reason: ${def.deprecatedReason}`, width))
  }
  if (def.advanced) {
    lines.push(
      '# Advanced Option: intended for advanced users and not used\n' +
        '# by the majority of users, and might have a significant\n' +
        '# effect on stability and/or performance.\n',
    )
  }
  if (def.sampleDefault) {
    lines.push(
      '#\n# This option has a sample default set, which means that\n' +
        '# its actual default value may vary from the one documented\n# below.\n',
    )
  }
  for (const value of formatDefaults(def)) {
    const shown = value ? ` ${value.replaceAll('\n', '\n#    ')}` : ''
    lines.push(`#${name} =${shown}\n`)
  }
  return lines.join('')
}

function formatNumber(def: OptDef, n: number | bigint): string {
  if (typeof n === 'bigint' || Number.isInteger(n)) return BigInt(n).toString()
  return def.kind === 'float' ? pyFloatRepr(n) : String(n)
}

/** Each type's `format_defaults`: strings with outer spaces are quoted, None is `<None>`. */
function formatDefaults(def: OptDef): string[] {
  const d = def.default
  if (def.kind === 'multiStr') {
    if (def.sampleDefault !== undefined) return [quoteSpaces(def.sampleDefault)]
    return Array.isArray(d) && d.length > 0 ? d.map(quoteSpaces) : ['']
  }
  if (def.sampleDefault !== undefined) return [def.sampleDefault]
  if (d === undefined) return ['<None>']
  if (typeof d === 'boolean') return [String(d)]
  if (typeof d === 'number') return [def.kind === 'float' ? pyFloatRepr(d) : formatNumber(def, d)]
  if (Array.isArray(d)) return [d.map(quoteSpaces).join(',')]
  if (typeof d === 'object') {
    const entries = Object.entries(d).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return [entries.map(([k, v]) => `${k}:${v}`).join(',')]
  }
  return [def.kind === 'uri' ? d : quoteSpaces(d)]
}

function quoteSpaces(value: string): string {
  return pyStrip(value) === value ? value : `"${value}"`
}
