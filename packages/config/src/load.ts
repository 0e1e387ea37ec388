/**
 * `loadConfig()`: reads the files, applies the environment and overrides, resolves and checks every
 * declared option up front (so a bad value fails at start-up, not on first use) and collects warnings.
 * @module
 */
import { type Config, LoadedConfig, type ResolvedGroups } from './config.ts'
import { ConfigError, ConfigErrorCode } from './errors.ts'
import { buildRegistry, normalizeGroupName, type OptionGroup } from './groups.ts'
import type { KnownOptions } from './known_options.ts'
import { readLayer } from './layers.ts'
import { type Overrides, type ResolvedOption, Resolver } from './resolve.ts'
import { classifyEntries, fileWarnings } from './warnings.ts'

export interface LoadOptions {
  /** Config files in order; a later file wins (as repeated `--config-file` in oslo.config). */
  readonly files?: readonly string[]
  /** Usually `process.env`; `OS_<GROUP>__<OPTION>` variables override files. */
  readonly env?: Readonly<Record<string, string | undefined>>
  /** Command-line level values, group then option; they win over everything. */
  readonly overrides?: Readonly<
    Record<string, Readonly<Record<string, string | readonly string[]>>>
  >
  /** Every option group this program reads. */
  readonly groups: readonly OptionGroup[]
  /**
   * Options other programs declare that this one knowingly does not read (usually
   * `openstackOptions`): they are listed in `config.unused` instead of warned about.
   */
  readonly known?: KnownOptions
  /**
   * `ignore` when the file belongs to another program too (the middleware inside a service's
   * nova.conf): sections none of `groups` declares are that program's business, not warnings.
   */
  readonly otherGroups?: 'warn' | 'ignore'
}

export function loadConfig(options: LoadOptions): Config {
  const registry = buildRegistry(options.groups)
  const files = options.files ?? []
  const layers = files.map(readLayer)
  const entries = classifyEntries(registry, layers, options)
  const warnings = fileWarnings(entries)
  const unused = entries.filter((e) => e.kind === 'unused')
  const resolver = new Resolver({
    registry,
    layers,
    env: options.env ?? {},
    overrides: checkOverrides(options.overrides ?? {}, registry),
    warn: (message) => warnings.push(message),
  })
  const resolved = new Map<string, Map<string, ResolvedOption>>()
  for (const [key, group] of registry) {
    const values = new Map<string, ResolvedOption>()
    for (const name of group.options.keys()) values.set(name, resolver.resolve(key, name))
    resolved.set(key, values)
  }
  return new LoadedConfig(registry, resolved satisfies ResolvedGroups, warnings, files, unused)
}

/** An override for an undeclared option is a programming or command-line error, so it throws. */
function checkOverrides(
  overrides: NonNullable<LoadOptions['overrides']>,
  registry: ReturnType<typeof buildRegistry>,
): Overrides {
  const checked = new Map<string, Map<string, string | readonly string[]>>()
  for (const [groupName, values] of Object.entries(overrides)) {
    const key = normalizeGroupName(groupName)
    const group = registry.get(key)
    for (const [name, value] of Object.entries(values)) {
      if (!group?.options.has(name)) {
        throw new ConfigError(
          ConfigErrorCode.UnknownOption,
          `override for [${groupName}] ${name}: no such option is declared`,
        )
      }
      if (typeof value !== 'string' && !Array.isArray(value)) {
        throw new ConfigError(
          ConfigErrorCode.Value,
          `override for [${groupName}] ${name}: must be a string or an array of strings`,
        )
      }
      const map = checked.get(key) ?? new Map<string, string | readonly string[]>()
      map.set(name, value)
      checked.set(key, map)
    }
  }
  return checked
}
