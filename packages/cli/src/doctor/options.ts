/**
 * The doctor's option module: the groups each kind of config is loaded with, and the command's own settings (where identity is, and the admin who may ask it).
 * @module
 */

import { serviceUserGroup } from '@baton/client'
import { type Clock, httpServerOptions, type OptionGroup, sslOptions } from '@baton/config'
import { identityOptionGroups } from '@baton/identity'
import { authtokenOptions } from '@baton/middleware'

/** passlib's defaults, which Keystone 22 uses when `[identity] password_hash_rounds` is unset. */
export const DEFAULT_HASH_ROUNDS: Readonly<Record<string, number>> = {
  bcrypt: 12,
  bcrypt_sha256: 12,
  scrypt: 16,
  pbkdf2_sha512: 25000,
}

export type ConfigRole = 'identity' | 'receiver' | 'sender'

/** The groups a file is loaded with, by what it is: never another program's, which could clash. */
export function groupsFor(roles: ReadonlySet<ConfigRole>): OptionGroup[] {
  const groups: OptionGroup[] = []
  if (roles.has('identity')) groups.push(...identityOptionGroups)
  // services read [http_server] (request deadlines) and [ssl] (HTTPS) too
  if (roles.has('receiver')) groups.push(authtokenOptions, httpServerOptions, sslOptions)
  if (roles.has('sender')) groups.push(serviceUserGroup)
  return groups
}

/** Credentials of an identity admin (`--os-*` flags, else OS_* variables). */
export type AdminCredentials = {
  readonly authUrl: string | undefined
  readonly username: string
  readonly password: string
  readonly projectName: string
  readonly userDomainName: string | undefined
  readonly userDomainId: string | undefined
  readonly projectDomainName: string | undefined
  readonly projectDomainId: string | undefined
}

export type DoctorSettings = {
  readonly files: readonly string[]
  /** Where to ask for an identity node's key fingerprints when its config has no public_endpoint. */
  readonly identityUrl: string | undefined
  /** Undefined when no admin was given: the fingerprint comparison over HTTP is then skipped. */
  readonly admin: AdminCredentials | undefined
  readonly clock: Clock
  /** Per request to identity. */
  readonly timeoutMs: number
  /** The CA bundle identity's HTTPS is checked against (`--os-cacert`, else OS_CACERT). */
  readonly caFile?: string | undefined
}

export type AdminFlags = {
  osAuthUrl?: string
  osUsername?: string
  osPassword?: string
  osProjectName?: string
  osUserDomainName?: string
  osUserDomainId?: string
  osProjectDomainName?: string
  osProjectDomainId?: string
  osCacert?: string
}

function given(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value
}

/**
 * Flags win over OS_* variables (as in openstackclient). No username or password means no admin;
 * the domains default to the `default` domain's id, as a one-domain cloud needs.
 */
export function adminCredentials(
  flags: AdminFlags,
  env: Readonly<Record<string, string | undefined>>,
): AdminCredentials | undefined {
  const pick = (flag: string | undefined, name: string) => given(flag) ?? given(env[name])
  const username = pick(flags.osUsername, 'OS_USERNAME')
  const password = pick(flags.osPassword, 'OS_PASSWORD')
  if (username === undefined || password === undefined) return undefined
  const userDomainName = pick(flags.osUserDomainName, 'OS_USER_DOMAIN_NAME')
  const userDomainId = pick(flags.osUserDomainId, 'OS_USER_DOMAIN_ID')
  const projectDomainName = pick(flags.osProjectDomainName, 'OS_PROJECT_DOMAIN_NAME')
  const projectDomainId = pick(flags.osProjectDomainId, 'OS_PROJECT_DOMAIN_ID')
  return {
    authUrl: pick(flags.osAuthUrl, 'OS_AUTH_URL'),
    username,
    password,
    projectName: pick(flags.osProjectName, 'OS_PROJECT_NAME') ?? 'admin',
    userDomainName,
    userDomainId: userDomainName === undefined ? (userDomainId ?? 'default') : userDomainId,
    projectDomainName,
    projectDomainId:
      projectDomainName === undefined ? (projectDomainId ?? 'default') : projectDomainId,
  }
}
