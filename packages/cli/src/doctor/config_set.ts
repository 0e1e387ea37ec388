/**
 * Reading the configs the doctor compares. Unlike other verbs, each `--config-file` is its own
 * program's file (not layered), read as what its sections say it is: `[keystone_authtoken]` makes a
 * receiver, `[service_user]` a sender, and `[fernet_tokens]`/`[token]`/`[database]` without
 * `[keystone_authtoken]` an identity node. Only the environment of each program is unknown here, so
 * `OS_<GROUP>__<OPTION>` variables are not applied: the files are checked as written.
 * @module
 */
import { readFileSync, statSync } from 'node:fs'
import {
  type Config,
  ConfigError,
  ConfigErrorCode,
  loadConfig,
  normalizeGroupName,
  openstackOptions,
  parseIni,
} from '@baton/config'
import type { Findings } from './findings.ts'
import { type ConfigRole, groupsFor } from './options.ts'

export type DoctorConfig = {
  /** The path as given on the command line. */
  readonly file: string
  readonly roles: ReadonlySet<ConfigRole>
  readonly config: Config
  /** Permission bits of the file. */
  readonly mode: number
}

const IDENTITY_SECTIONS = ['fernet_tokens', 'token', 'database']
/** Sections whose unknown options are likely typos of the options the doctor checks. */
const CHECKED_SECTIONS = new Set(['keystone_authtoken', 'service_user', 'token', 'fernet_tokens'])

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : ''
    const why =
      code === 'ENOENT'
        ? 'not found'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'is a directory'
            : `unreadable (${code || String(error)})`
    throw new ConfigError(ConfigErrorCode.File, `config file ${file}: ${why}`, { cause: error })
  }
}

export function rolesOf(sections: Iterable<string>): Set<ConfigRole> {
  const names = new Set([...sections].map(normalizeGroupName))
  const roles = new Set<ConfigRole>()
  if (names.has('keystone_authtoken')) roles.add('receiver')
  else if (IDENTITY_SECTIONS.some((s) => names.has(s))) roles.add('identity')
  if (names.has('service_user')) roles.add('sender')
  return roles
}

/**
 * Reads every file. A missing or unreadable file throws (one line, exit 1, as other verbs do); a
 * file that does not parse or holds an invalid value is a finding, and is left out of the checks.
 */
export function readConfigs(files: readonly string[], findings: Findings): DoctorConfig[] {
  const read: DoctorConfig[] = []
  for (const file of files) {
    const text = readText(file)
    let roles: Set<ConfigRole>
    let config: Config
    try {
      roles = rolesOf(Object.keys(parseIni(text, file).sections))
      config = loadConfig({
        files: [file],
        env: {},
        groups: groupsFor(roles),
        known: openstackOptions,
      })
    } catch (error) {
      if (!(error instanceof ConfigError) || error.code === ConfigErrorCode.File) throw error
      const [, section = '?', option = '?'] = /\[([^\]]+)\] (\w+)/.exec(error.message) ?? []
      findings.error(
        file,
        section,
        option,
        `the file cannot be loaded, so nothing else in it was checked: ${error.message}`,
        'correct the value (the program reading this file refuses to start as it is)',
      )
      continue
    }
    if (roles.size === 0) {
      findings.warning(
        file,
        '-',
        '-',
        'no [keystone_authtoken], [service_user], [fernet_tokens], [token] or [database] section: nothing in this file was checked',
        'pass the identity config and the config of every service in the chain',
      )
    }
    reportNameWarnings(file, config, findings)
    read.push({ file, roles, config, mode: statSync(file).mode & 0o777 })
  }
  return read
}

/** Typos and deprecated names in the sections the doctor checks (other sections are not ours). */
function reportNameWarnings(file: string, config: Config, findings: Findings): void {
  for (const warning of config.warnings) {
    const match = /: \[([^\]]+)\] (\S+): (unknown option, ignored|deprecated name, use )(.*)$/.exec(
      warning,
    )
    if (match === null) continue
    const [, section = '', option = '', kind = '', rest = ''] = match
    if (kind.startsWith('deprecated')) {
      findings.warning(
        file,
        section,
        option,
        `${option} is a deprecated name`,
        `rename it: ${rest}`,
      )
    } else if (CHECKED_SECTIONS.has(normalizeGroupName(section))) {
      findings.warning(
        file,
        section,
        option,
        `unknown option, ignored${rest}: its intended setting keeps its default`,
        'correct the option name or remove it',
      )
    }
  }
}
