/**
 * `checkConfig()`: everything `loadConfig()` would say about a set of files, without stopping at
 * the first bad value: each option the files set (used, deprecated name, known to OpenStack but
 * unused, unknown with a did-you-mean) and every value that would refuse to load. For
 * `baton config check`, and for the one-line summary programs print when they start.
 * @module
 */
import { ConfigError } from './errors.ts'
import { buildRegistry, normalizeGroupName } from './groups.ts'
import { readLayer } from './layers.ts'
import type { LoadOptions } from './load.ts'
import { Resolver, type ValueSource } from './resolve.ts'
import { displayValue } from './values.ts'
import { type ClassifiedEntry, classifyEntries } from './warnings.ts'

export interface CheckedEntry extends ClassifiedEntry {
  /**
   * `used`: the value the program reads (`****` for secrets), unless it is invalid; `path` and
   * `line` are then where that value comes from (the newest file that sets it).
   */
  readonly display?: string
}

export interface InvalidOption {
  readonly group: string
  readonly name: string
  readonly code: string
  readonly message: string
}

export interface ConfigCheck {
  /** The first occurrence of every `[group] option` in the files, in file order. */
  readonly entries: readonly CheckedEntry[]
  /** Declared options whose value (from the files, the environment or the default) is refused. */
  readonly invalid: readonly InvalidOption[]
}

/** Reads the files like `loadConfig()`; unreadable or malformed files still throw. */
export function checkConfig(options: LoadOptions): ConfigCheck {
  const registry = buildRegistry(options.groups)
  const layers = (options.files ?? []).map(readLayer)
  const classified = classifyEntries(registry, layers, options)
  const resolver = new Resolver({
    registry,
    layers,
    env: options.env ?? {},
    overrides: new Map(),
    warn: () => {},
  })
  const invalid: InvalidOption[] = []
  const shown = new Map<string, { display: string; source: ValueSource }>()
  for (const [key, group] of registry) {
    for (const [name, def] of group.options) {
      try {
        const { value, source } = resolver.resolve(key, name)
        shown.set(`${key}\u0000${name}`, { display: displayValue(def, value), source })
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error
        invalid.push({ group: group.name, name, code: error.code, message: error.message })
      }
    }
  }
  const entries = classified.map((e): CheckedEntry => {
    if (e.kind !== 'used') return e
    const shownAs = shown.get(`${normalizeGroupName(e.section)}\u0000${e.name}`)
    if (shownAs === undefined) return e
    // where the value read comes from: a later file (or the environment) may win
    const { display, source } = shownAs
    return source.kind === 'file'
      ? { ...e, display, path: source.path, line: source.line }
      : { ...e, display }
  })
  return { entries, invalid }
}

/**
 * One line for every known-but-unused option together, or undefined when there is none:
 * `17 options set in the config files are OpenStack's but not used by Baton (oslo.log 4, ...)`.
 */
export function unusedSummary(unused: readonly ClassifiedEntry[]): string | undefined {
  if (unused.length === 0) return undefined
  const byOrigin = new Map<string, number>()
  for (const e of unused) byOrigin.set(e.origin ?? '?', (byOrigin.get(e.origin ?? '?') ?? 0) + 1)
  const counts = [...byOrigin]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([origin, n]) => `${origin} ${n}`)
    .join(', ')
  const options = unused.length === 1 ? '1 option' : `${unused.length} options`
  return `${options} set in the config files ${unused.length === 1 ? 'is' : 'are'} OpenStack's but not used by Baton (${counts})`
}
