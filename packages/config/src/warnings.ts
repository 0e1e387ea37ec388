/**
 * What each `[group] option` in the files is to this program: used (declared), a deprecated name,
 * known to OpenStack but deliberately unused (counted, not warned about), another program's
 * section (ignored when the loader shares the file), or unknown: one warning each (never an error:
 * a full keystone.conf must load), with a hint for the usual mistakes (`[default]` for
 * `[DEFAULT]`, wrong case, a near-miss spelling of a known name).
 * @module
 */
import { normalizeGroupName, type RegisteredGroup } from './groups.ts'
import type { KnownOptions } from './known_options.ts'
import type { FileLayer } from './layers.ts'

export type EntryKind = 'used' | 'deprecated' | 'unused' | 'unknown' | 'foreign'

/** The first occurrence of one `[group] option` in the files, and what it is. */
export interface ClassifiedEntry {
  readonly section: string
  readonly name: string
  readonly path: string
  readonly line: number
  readonly kind: EntryKind
  /** `unused`: who declares it (`oslo.log`, `Keystone`, `nova`...). */
  readonly origin?: string
  /** `deprecated`: the current `[group] name`. */
  readonly current?: string
  /** `unknown`: ` (did you mean ...)`, or empty. */
  readonly hint?: string
}

export interface ClassifyOptions {
  readonly known?: KnownOptions | undefined
  /** `ignore`: sections no declared group has belong to another program reading the same file. */
  readonly otherGroups?: 'warn' | 'ignore' | undefined
}

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

export function classifyEntries(
  registry: ReadonlyMap<string, RegisteredGroup>,
  layers: readonly FileLayer[],
  options: ClassifyOptions = {},
): ClassifiedEntry[] {
  const deprecated = deprecatedIndex(registry)
  const seen = new Set<string>()
  const out: ClassifiedEntry[] = []
  for (const { doc } of layers) {
    for (const entry of doc.entries) {
      const group = normalizeGroupName(entry.section)
      const id = `${group}\u0000${entry.key}`
      if (seen.has(id)) continue
      seen.add(id)
      const base = { section: entry.section, name: entry.key, path: doc.source, line: entry.line }
      if (registry.get(group)?.options.has(entry.key)) {
        out.push({ ...base, kind: 'used' })
        continue
      }
      const current = deprecated.get(id)
      if (current !== undefined) {
        out.push({ ...base, kind: 'deprecated', current })
        continue
      }
      if (options.otherGroups === 'ignore' && !registry.has(group)) {
        out.push({ ...base, kind: 'foreign' })
        continue
      }
      const origin = options.known?.originOf(entry.section, entry.key)
      if (origin !== undefined) {
        out.push({ ...base, kind: 'unused', origin })
        continue
      }
      const hint = hintFor(registry, options.known, entry.section, entry.key)
      out.push({ ...base, kind: 'unknown', hint })
    }
  }
  return out
}

/** One line per unknown option and per deprecated name; known-unused and foreign ones are silent. */
export function fileWarnings(entries: readonly ClassifiedEntry[]): string[] {
  const warnings: string[] = []
  for (const e of entries) {
    const at = `${e.path}:${e.line}: [${e.section}] ${e.name}`
    if (e.kind === 'deprecated') warnings.push(`${at}: deprecated name, use ${e.current}`)
    if (e.kind === 'unknown') warnings.push(`${at}: unknown option, ignored${e.hint ?? ''}`)
  }
  return warnings
}

function hintFor(
  registry: ReadonlyMap<string, RegisteredGroup>,
  known: KnownOptions | undefined,
  section: string,
  key: string,
): string {
  const group = registry.get(normalizeGroupName(section))
  const knownNames = known?.namesIn(section) ?? []
  if (group === undefined && knownNames.length === 0) {
    if (section.toUpperCase() === 'DEFAULT' && registry.get('DEFAULT')?.options.has(key)) {
      return ' (did you mean [DEFAULT]? only the upper-case name is the default group)'
    }
    if (registry.has(normalizeGroupName(section.trim()))) {
      return ` (did you mean [${section.trim()}]? section names keep their spaces)`
    }
    const groups = [...[...registry.values()].map((g) => g.name), ...(known?.groups() ?? [])]
    const near = closest(section, groups)
    return near === undefined ? '' : ` (did you mean [${near}]?)`
  }
  const names = [...(group?.options.keys() ?? []), ...knownNames]
  const lower = key.toLowerCase()
  for (const name of names) {
    if (name.toLowerCase() === lower)
      return ` (did you mean ${name}? option names are case-sensitive)`
  }
  const near = closest(key, names)
  return near === undefined ? '' : ` (did you mean ${near}?)`
}

/** The candidate within a small edit distance (a typo, not another word), if exactly one is nearest. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const limit = Math.min(2, Math.floor(word.length / 3))
  let best: string | undefined
  let bestDistance = limit + 1
  for (const candidate of new Set(candidates)) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase())
    if (d < bestDistance) {
      best = candidate
      bestDistance = d
    }
  }
  return best
}

/** Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps. */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3
  const rows: number[][] = []
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i]
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j)
        continue
      }
      const prev = rows[i - 1] as number[]
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let d = Math.min(
        (prev[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (prev[j - 1] as number) + cost,
      )
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, ((rows[i - 2] as number[])[j - 2] as number) + 1)
      }
      row.push(d)
    }
    rows.push(row)
  }
  return (rows[a.length] as number[])[b.length] as number
}
