/**
 * oslo.config's `$name` / `${name}` / `${group.name}` template substitution (Python
 * `string.Template.safe_substitute` with oslo's lookup): `$$` and `\$` give a literal `$`, a `$` not
 * followed by a name stays, and a reference to a missing option or group is an error.
 * @module
 */
import { ConfigError, ConfigErrorCode } from './errors.ts'

/** string.Template's pattern with oslo's idpattern `[_a-z][\._a-z0-9]*`, case-insensitive. */
const TEMPLATE = /\$(?:(\$)|([_a-z][._a-z0-9]*)|\{([_a-z][._a-z0-9]*)\}|)/gi

export interface SubstitutionScope {
  /** The declared name of the group whose option is being read (`DEFAULT` for the default group). */
  readonly group: string
  /** The option's text after its own substitution, or undefined when there is no such option. */
  lookup(group: string, name: string): string | undefined
  /** Whether a group of exactly this name exists (`DEFAULT` never does, as in oslo). */
  hasGroup(group: string): boolean
  /** Names the value being read, for messages. */
  readonly where: string
}

export function substitute(value: string, scope: SubstitutionScope): string {
  if (!value.includes('$')) return value
  return value
    .replaceAll('\\$', '$$$$') // oslo treats `\$` like `$$`
    .replace(TEMPLATE, (match, escaped?: string, named?: string, braced?: string) => {
      if (escaped !== undefined) return '$'
      const key = named ?? braced
      return key === undefined ? match : reference(key, scope)
    })
}

/** `ConfigOpts.StrSubWrapper.__getitem__`. */
function reference(key: string, scope: SubstitutionScope): string {
  const fail = (why: string): never => {
    throw new ConfigError(
      ConfigErrorCode.Substitution,
      `${scope.where}: cannot substitute $${key}: ${why}`,
    )
  }
  const dot = key.indexOf('.')
  if (dot >= 0) {
    const group = key.slice(0, dot)
    if (!scope.hasGroup(group)) return fail(`no group [${group}]`)
    return (
      scope.lookup(group, key.slice(dot + 1)) ??
      scope.lookup('DEFAULT', key) ??
      fail(`no option ${key.slice(dot + 1)} in group [${group}]`)
    )
  }
  const own = scope.group === 'DEFAULT' ? undefined : scope.lookup(scope.group, key)
  if (own !== undefined) return own
  if (scope.hasGroup(key)) return fail(`[${key}] is a group, not an option`)
  return scope.lookup('DEFAULT', key) ?? fail(`no option ${key} in [${scope.group}] or [DEFAULT]`)
}
