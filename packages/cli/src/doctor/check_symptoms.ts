/**
 * Check 5: the symptoms of `keystone-manage doctor` (keystone/cmd/doctor/*.py) that apply to Baton,
 * as warnings: debug mode, SQLite where several nodes need one database, password hashing weaker
 * than Keystone's default, and secrets in config files others can read. (Keystone's Fernet
 * repository symptoms are errors in the key checks; `[token] provider` other than fernet does not
 * load at all; caching, LDAP, SAML and credential symptoms concern features Baton does not have.)
 * @module
 */

import { serviceUserGroup } from '@baton/client'
import { loggingOptions, type OptionGroup } from '@baton/config'
import { databaseOptions, identityOptions } from '@baton/identity'
import { authtokenOptions } from '@baton/middleware'
import type { DoctorConfig } from './config_set.ts'
import type { Findings } from './findings.ts'
import { DEFAULT_HASH_ROUNDS } from './options.ts'

export function checkSymptoms(configs: readonly DoctorConfig[], findings: Findings): void {
  const nodes = configs.filter((c) => c.roles.has('identity'))
  for (const node of nodes) {
    checkIdentitySymptoms(node, nodes.length, findings)
  }
  for (const c of configs) checkSecretsReadable(c, findings)
}

function checkIdentitySymptoms(node: DoctorConfig, nodeCount: number, findings: Findings): void {
  if (node.config.get(loggingOptions).debug) {
    findings.warning(
      node.file,
      'DEFAULT',
      'debug',
      'debug mode is enabled (Keystone doctor: symptom_debug_mode_is_enabled): not recommended in production, where it adds details to logs and error responses',
      'set [DEFAULT] debug = false',
    )
  }
  const connection = node.config.get(databaseOptions).connection
  if (nodeCount > 1 && /^sqlite/i.test(connection)) {
    findings.warning(
      node.file,
      'database',
      'connection',
      `SQLite while ${nodeCount} identity nodes are checked (Keystone doctor: symptom_database_connection_is_not_SQLite): each node keeps its own users, roles and revocations, so a token revoked on one node stays valid on the others`,
      'point every identity node at one PostgreSQL or MySQL/MariaDB database: [database] connection = postgresql://user:password@host/baton (or mysql+pymysql://...)',
    )
  }
  const { password_hash_algorithm: algorithm, password_hash_rounds: rounds } =
    node.config.get(identityOptions)
  const standard = DEFAULT_HASH_ROUNDS[algorithm]
  if (rounds !== undefined && rounds !== 0 && standard !== undefined && rounds < standard) {
    findings.warning(
      node.file,
      'identity',
      'password_hash_rounds',
      `${rounds} is below ${algorithm}'s default of ${standard}: stolen password hashes are cheaper to crack`,
      `remove [identity] password_hash_rounds (the default is ${standard}) or raise it; existing hashes keep their rounds until each password is changed`,
    )
  }
}

/** The groups of a config whose secret options the doctor knows about. */
function secretGroups(c: DoctorConfig): OptionGroup[] {
  const groups: OptionGroup[] = []
  if (c.roles.has('identity')) groups.push(databaseOptions)
  if (c.roles.has('receiver')) groups.push(authtokenOptions)
  if (c.roles.has('sender')) groups.push(serviceUserGroup)
  return groups
}

/** Keystone doctor only checks key repositories; a password in a world-readable file is as bad. */
function checkSecretsReadable(c: DoctorConfig, findings: Findings): void {
  if ((c.mode & 0o004) === 0) return
  const held: string[] = []
  for (const group of secretGroups(c)) {
    const values: Readonly<Record<string, unknown>> = c.config.get(group)
    for (const [option, source] of Object.entries(c.config.sources(group))) {
      const value = values[option]
      if (!source.secret || source.source.kind !== 'file' || value === undefined || value === '')
        continue
      // A database URL is a secret only when it carries a password.
      if (group === databaseOptions && !/:\/\/[^/@]*:[^/@]+@/.test(String(value))) continue
      held.push(`[${group.name}] ${option}`)
    }
  }
  const [first] = held
  if (first === undefined) return
  const [section = '?', option = '?'] = first.slice(1).split('] ')
  findings.warning(
    c.file,
    section,
    option,
    `the file is readable by every local user (mode ${c.mode.toString(8).padStart(3, '0')}) and holds secrets: ${held.join(', ')}`,
    `chmod 640 ${c.file} and chown it to root and the group of the service that reads it`,
  )
}
