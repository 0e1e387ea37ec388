/**
 * The chain checks (the three degrees of freedom of service tokens): every sender sends a service
 * token with credentials identity accepts; every receiver requires a service role of it; and every
 * sender's service user holds one of every receiver's `service_token_roles`, as identity says
 * when the user authenticates (the token's roles are exactly what the receiving middleware sees).
 * @module
 */
import {
  type AccessInfo,
  type AuthPluginValues,
  authFromOptions,
  ConfigurationError,
  type IdentityPlugin,
  loadServiceUserAuth,
  serviceUserGroup,
} from '@baton/client'
import { authtokenOptions } from '@baton/middleware'
import type { DoctorConfig } from './config_set.ts'
import type { Findings } from './findings.ts'
import type { IdentityAsker } from './identity_calls.ts'

const SENDER = 'service_user'
const RECEIVER = 'keystone_authtoken'
/** Roles that let the middleware's own user validate tokens (Keystone's service_or_admin rule). */
const VALIDATOR_ROLES = ['service', 'admin']

/** Who a sender's service tokens name, and the roles identity put in them. */
export type ServiceUser = {
  readonly file: string
  readonly access: AccessInfo
  readonly label: string
}

export type Receiver = {
  readonly file: string
  readonly roles: readonly string[]
  readonly required: boolean
}

/** `user 'svc' (domain Default)`, never a password or secret. */
function userLabel(v: AuthPluginValues): string {
  const domain = v.user_domain_name ?? v.user_domain_id ?? v.default_domain_name
  if (v.username !== undefined) return `user '${v.username}'${domain ? ` (domain ${domain})` : ''}`
  if (v.user_id !== undefined) return `user id ${v.user_id}`
  const credential = v.application_credential_name ?? v.application_credential_id
  return credential === undefined ? 'the configured user' : `application credential ${credential}`
}

/** The option a client ConfigurationError is about: "... needs X", else the first option named. */
function optionIn(message: string, v: AuthPluginValues): string {
  const needs = /needs (\w+)/.exec(message)?.[1]
  if (needs !== undefined) return needs
  let first: { name: string; at: number } = { name: 'auth_type', at: Number.POSITIVE_INFINITY }
  for (const name of Object.keys(v)) {
    const at = message.search(new RegExp(`\\b${name}\\b`))
    if (at !== -1 && at < first.at) first = { name, at }
  }
  return first.name
}

/** `openstack role add ...` for a user and the project its token is scoped to. */
export function roleAddCommand(access: AccessInfo, role: string): string {
  const user = access.userName ?? access.userId ?? '<user>'
  const userDomain = access.userDomainName ?? access.userDomainId
  const project = access.projectName ?? access.projectId ?? '<project>'
  const projectDomain = access.projectDomainName ?? access.projectDomainId
  return [
    'openstack role add',
    `--user ${user}`,
    ...(userDomain === undefined ? [] : [`--user-domain ${userDomain}`]),
    `--project ${project}`,
    ...(projectDomain === undefined ? [] : [`--project-domain ${projectDomain}`]),
    role,
  ].join(' ')
}

function scopeText(access: AccessInfo): string {
  if (access.projectName !== undefined || access.projectId !== undefined) {
    return `on project ${access.projectName ?? access.projectId}`
  }
  return access.domainId !== undefined || access.systemAll ? 'in its scope' : '(unscoped token)'
}

/** Asks identity with a config's credentials; a refusal or an odd answer is a finding. */
async function authenticateAs(
  c: DoctorConfig,
  section: string,
  v: AuthPluginValues,
  plugin: IdentityPlugin,
  asker: IdentityAsker,
  findings: Findings,
): Promise<AccessInfo | undefined> {
  const who = userLabel(v)
  const outcome = await asker.authenticate(plugin)
  if (outcome.kind === 'ok') return outcome.value
  if (outcome.kind === 'unreachable') {
    findings.warning(
      c.file,
      section,
      'auth_url',
      `identity at ${v.auth_url} did not answer (${outcome.detail}): the credentials and roles of ${who} were not checked`,
      `start identity or correct [${section}] auth_url, then run baton doctor again`,
    )
  } else if (outcome.kind === 'refused') {
    findings.error(
      c.file,
      section,
      v.username === undefined ? 'auth_type' : 'password',
      `identity at ${v.auth_url} refused the credentials of ${who} (${outcome.detail})`,
      `check username, password, user_domain_name and project_name in [${section}] against identity (openstack user show ${v.username ?? '<user>'}); reset the password with openstack user set --password-prompt ${v.username ?? '<user>'} if it was lost`,
    )
  } else {
    findings.error(
      c.file,
      section,
      'auth_url',
      `authenticating ${who} at ${v.auth_url} failed: ${outcome.detail}`,
      `point [${section}] auth_url at the identity endpoint (e.g. http://identity:5000/v3)`,
    )
  }
  return undefined
}

/** Check 1: the sender sends service tokens, and identity accepts its service user. */
export async function checkSender(
  c: DoctorConfig,
  asker: IdentityAsker,
  findings: Findings,
): Promise<ServiceUser | undefined> {
  const v = c.config.get(serviceUserGroup)
  if (!v.send_service_user_token) {
    const unset =
      c.config.sources(serviceUserGroup).send_service_user_token.source.kind === 'default'
    findings.error(
      c.file,
      SENDER,
      'send_service_user_token',
      `${unset ? 'not set (the default is false)' : 'false'}: this service calls the next one with the user's token alone, so a user token that expires during a long operation (a migration, a volume attach) is refused there, and the next service cannot tell a call on the user's behalf from the user's own`,
      `set [${SENDER}] send_service_user_token = true, with auth_type = password, auth_url, username, password, user_domain_name, project_name and project_domain_name of a user holding the service role`,
    )
    return undefined
  }
  let plugin: IdentityPlugin | null
  try {
    plugin = loadServiceUserAuth(c.config)
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error
    findings.error(
      c.file,
      SENDER,
      optionIn(error.message.replace(/^.*? but /, ''), v),
      error.message,
      `complete [${SENDER}]: auth_type = password, auth_url, username, password, user_domain_name, project_name, project_domain_name (the service refuses to start as it is)`,
    )
    return undefined
  }
  if (plugin === null) return undefined
  const access = await authenticateAs(c, SENDER, v, plugin, asker, findings)
  return access === undefined ? undefined : { file: c.file, access, label: userLabel(v) }
}

/** Check 2: the receiver requires a service role, and its own user may validate tokens. */
export async function checkReceiver(
  c: DoctorConfig,
  asker: IdentityAsker,
  findings: Findings,
): Promise<Receiver> {
  const a = c.config.get(authtokenOptions)
  const roles = a.service_token_roles.filter((role) => role !== '')
  if (!a.service_token_roles_required) {
    findings.error(
      c.file,
      RECEIVER,
      'service_token_roles_required',
      `false, so any valid token, a plain user's included, is accepted in X-Service-Token as a service token; that bypasses application-credential access rules and lets a user pose as a service (keystonemiddleware's default is true since December 2025)`,
      `set [${RECEIVER}] service_token_roles_required = true (Baton's default) once every sender's service user holds one of service_token_roles`,
    )
  }
  if (roles.length === 0) {
    findings.error(
      c.file,
      RECEIVER,
      'service_token_roles',
      'empty: no service token can vouch for an expired user token, and with service_token_roles_required every service token is refused',
      `set [${RECEIVER}] service_token_roles = service`,
    )
  }
  let plugin: IdentityPlugin | null = null
  try {
    plugin = authFromOptions(a, RECEIVER)
    if (plugin === null) {
      findings.error(
        c.file,
        RECEIVER,
        'auth_type',
        'not set: the middleware has no credentials of its own, so it cannot ask identity to validate the tokens it receives',
        `set [${RECEIVER}] auth_type = password with auth_url, username, password, user_domain_name, project_name and project_domain_name of a user holding the service role`,
      )
    }
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error
    findings.error(
      c.file,
      RECEIVER,
      optionIn(error.message, a),
      `the middleware's credentials cannot be used: ${error.message}`,
      `complete [${RECEIVER}]: auth_type = password, auth_url, username, password, user_domain_name, project_name, project_domain_name`,
    )
  }
  const access =
    plugin === null ? undefined : await authenticateAs(c, RECEIVER, a, plugin, asker, findings)
  if (access !== undefined && !access.roleNames.some((r) => VALIDATOR_ROLES.includes(r))) {
    findings.error(
      c.file,
      RECEIVER,
      'username',
      `${userLabel(a)} validates this service's tokens, but its token holds ${describeRoles(access)} ${scopeText(access)}, neither service nor admin: identity refuses its token validations (403), so every request is rejected`,
      roleAddCommand(access, 'service'),
    )
  }
  return { file: c.file, roles, required: a.service_token_roles_required }
}

function describeRoles(access: AccessInfo): string {
  return access.roleNames.length === 0 ? 'no roles' : `roles ${access.roleNames.join(', ')}`
}

/** Check 3: every sender's service user holds one of every other receiver's service roles. */
export function checkChain(
  senders: readonly ServiceUser[],
  receivers: readonly Receiver[],
  findings: Findings,
): void {
  for (const s of senders) {
    for (const r of receivers) {
      // A service does not send service tokens to itself.
      if (s.file === r.file || r.roles.length === 0) continue
      if (s.access.roleNames.some((role) => r.roles.includes(role))) continue
      const unscoped = scopeText(s.access) === '(unscoped token)'
      findings.add({
        severity: 'error',
        file: s.file,
        section: SENDER,
        option: 'username',
        edge: { from: s.file, to: r.file },
        problem: `service ${s.label} holds ${describeRoles(s.access)} ${scopeText(s.access)}, none of ${r.file} [${RECEIVER}] service_token_roles (${r.roles.join(', ')}): ${r.file} ${r.required ? 'refuses every call that carries its service token' : 'does not honour expired user tokens it vouches for'}`,
        fix: unscoped
          ? `set [${SENDER}] project_name and project_domain_name (an unscoped token carries no roles), then ${roleAddCommand(s.access, r.roles[0] ?? 'service')}`
          : roleAddCommand(s.access, r.roles[0] ?? 'service'),
      })
    }
  }
}
