/**
 * Where `[oslo_policy] policy_file` is, as oslo.policy finds it: an absolute path is used as is; a
 * relative one is looked up (oslo.config `find_file`) in each `--config-dir`, then beside each
 * config file (the last one first), then in ~/.keystone, ~, /etc/keystone and /etc. When the option
 * was left at its default `policy.yaml` and no such file exists, a `policy.json` found the same way
 * is used (oslo's `pick_default_policy_file`). No file found means no overrides (oslo only logs it).
 * @module
 */
import { existsSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { type PolicyRules, readPolicyFile } from './policy_file.ts'

export interface PolicyFileLookup {
  /** The option's value. */
  readonly policyFile: string
  /** True when no config file or environment variable set the option. */
  readonly isDefault: boolean
  /** The config files read, in order (`Config.files`). */
  readonly configFiles: readonly string[]
  /** `--config-dir` directories, searched first. */
  readonly configDirs?: readonly string[]
  /** oslo.config's project, for ~/.<project> and /etc/<project>: `keystone`. */
  readonly project?: string
  readonly home?: string
  readonly exists?: (path: string) => boolean
}

const DEFAULT_POLICY_FILE = 'policy.yaml'
const OLD_DEFAULT_POLICY_FILE = 'policy.json'

/** The policy file to read, or undefined when there is none. */
export function findPolicyFile(lookup: PolicyFileLookup): string | undefined {
  const found = searchConfigDirs(lookup.policyFile, lookup)
  if (found !== undefined || lookup.policyFile !== DEFAULT_POLICY_FILE || !lookup.isDefault) {
    return found
  }
  return searchConfigDirs(OLD_DEFAULT_POLICY_FILE, lookup)
}

/** Finds and reads the policy file: its path (if any) and its rules (none without a file). */
export function loadPolicyFile(lookup: PolicyFileLookup): {
  readonly path: string | undefined
  readonly rules: PolicyRules
} {
  const path = findPolicyFile(lookup)
  return { path, rules: path === undefined ? {} : readPolicyFile(path) }
}

/** oslo.config `ConfigOpts.find_file`. */
export function searchConfigDirs(name: string, lookup: PolicyFileLookup): string | undefined {
  const exists = lookup.exists ?? existsSync
  const home = lookup.home ?? homedir()
  const project = lookup.project ?? 'keystone'
  const dirs = [
    ...(lookup.configDirs ?? []).map((d) => expand(d, home)),
    ...[...lookup.configFiles].reverse().map((f) => dirname(expand(f, home))),
    join(home, `.${project}`),
    home,
    join('/etc', project),
    '/etc',
  ]
  for (const dir of dirs) {
    // os.path.join: an absolute name replaces the directory
    const path = resolve(dir, name)
    if (exists(path)) return path
  }
  return undefined
}

/** oslo.config `_fixpath`: ~ expansion, then an absolute path. */
function expand(path: string, home: string): string {
  const tilde = path === '~' || path.startsWith('~/') ? home + path.slice(1) : path
  return resolve(tilde)
}
