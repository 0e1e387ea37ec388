/**
 * Warnings about what the files contain but this program does not use: one per unknown
 * `[group] option` (never an error: a full keystone.conf must load), with a hint for the usual
 * mistakes (`[default]` for `[DEFAULT]`, wrong case in an option name), and one per deprecated name.
 * @module
 */
import { normalizeGroupName, type RegisteredGroup } from './groups.ts'
import type { FileLayer } from './layers.ts'

/** Where deprecated names point: normalized group, then old name, then the current `[group] name`. */
function deprecatedIndex(registry: ReadonlyMap<string, RegisteredGroup>): Map<string, string> {
  const index = new Map<string, string>()
  for (const group of registry.values()) {
    for (const [name, def] of group.options) {
      for (const d of def.deprecatedNames) {
        const key = `${normalizeGroupName(d.group ?? group.name)}\u0000${d.name}`
        index.set(key, `[${group.name}] ${name}`)
      }
    }
  }
  return index
}

export function fileWarnings(
  registry: ReadonlyMap<string, RegisteredGroup>,
  layers: readonly FileLayer[],
): string[] {
  const deprecated = deprecatedIndex(registry)
  const seen = new Set<string>()
  const warnings: string[] = []
  for (const { doc } of layers) {
    for (const entry of doc.entries) {
      const group = normalizeGroupName(entry.section)
      const id = `${group}\u0000${entry.key}`
      if (seen.has(id)) continue
      seen.add(id)
      const at = `${doc.source}:${entry.line}: [${entry.section}] ${entry.key}`
      const declared = registry.get(group)
      if (declared?.options.has(entry.key)) continue
      const current = deprecated.get(id)
      if (current !== undefined) {
        warnings.push(`${at}: deprecated name, use ${current}`)
        continue
      }
      warnings.push(`${at}: unknown option, ignored${hint(registry, entry.section, entry.key)}`)
    }
  }
  return warnings
}

function hint(
  registry: ReadonlyMap<string, RegisteredGroup>,
  section: string,
  key: string,
): string {
  const group = registry.get(normalizeGroupName(section))
  if (group === undefined) {
    if (section.toUpperCase() === 'DEFAULT' && registry.get('DEFAULT')?.options.has(key)) {
      return ' (did you mean [DEFAULT]? only the upper-case name is the default group)'
    }
    if (registry.has(normalizeGroupName(section.trim()))) {
      return ` (did you mean [${section.trim()}]? section names keep their spaces)`
    }
    return ''
  }
  const lower = key.toLowerCase()
  for (const name of group.options.keys()) {
    if (name.toLowerCase() === lower)
      return ` (did you mean ${name}? option names are case-sensitive)`
  }
  return ''
}
