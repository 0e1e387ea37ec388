/**
 * Building plugins from config values (keystoneauth `loading.load_auth_from_conf_options`) and
 * cinder's strict `[service_user]` start-up rule: asking to send service tokens without usable
 * credentials is an error at start-up, never a silent downgrade to user-token-only calls.
 * @module
 */
import type { Config, GroupValues } from '@baton/config'
import { ConfigurationError } from './errors.ts'
import { ApplicationCredentialAuth, PasswordAuth, TokenAuth } from './identity_methods.ts'
import { type authPluginOptions, SERVICE_USER_GROUP, serviceUserGroup } from './options.ts'
import type { IdentityPlugin, SessionLogger, SessionOptions } from './session.ts'
import { type ClientTls, clientTlsFromOptions } from './tls.ts'

export type AuthPluginValues = GroupValues<typeof authPluginOptions>

const TYPES = [
  'password',
  'v3password',
  'token',
  'v3token',
  'v3applicationcredential',
  'application_credential',
] as const

/** The plugin `auth_type` names, or null when auth_type is unset. Errors name `[group] option`. */
export function authFromOptions(
  values: AuthPluginValues,
  groupName: string,
): IdentityPlugin | null {
  const type = values.auth_type
  if (type === undefined || type === '') return null
  const fail = (message: string) => new ConfigurationError(`[${groupName}] ${message}`)
  if (!(TYPES as readonly string[]).includes(type)) {
    throw fail(`auth_type = ${type} is not supported; use one of ${TYPES.join(', ')}`)
  }
  if (given(values.auth_section)) {
    throw fail(`auth_section is not supported: put the ${type} options in [${groupName}] itself`)
  }
  if (!given(values.auth_url)) throw fail(`auth_type = ${type} needs auth_url`)
  const common = { authUrl: values.auth_url }
  const user = {
    userId: values.user_id,
    username: values.username,
    ...domainOf(values.user_domain_id, values.user_domain_name, values, 'user'),
  }
  try {
    switch (type) {
      case 'password':
      case 'v3password':
        return new PasswordAuth({
          ...common,
          ...user,
          ...scopeOf(values),
          password: values.password ?? '',
        })
      case 'token':
      case 'v3token':
        return new TokenAuth({ ...common, ...scopeOf(values), token: values.token ?? '' })
      default:
        if (given(values.trust_id)) {
          throw fail(
            'trust_id cannot be used with an application credential (it has its own scope)',
          )
        }
        return new ApplicationCredentialAuth({
          ...common,
          ...user,
          applicationCredentialId: values.application_credential_id,
          applicationCredentialName: values.application_credential_name,
          applicationCredentialSecret: values.application_credential_secret ?? '',
        })
    }
  } catch (error) {
    if (error instanceof ConfigurationError) throw fail(error.message)
    throw error
  }
}

function given(value: string | undefined): value is string {
  return value !== undefined && value !== ''
}

/** default_domain_id/name stand in only when neither the id nor the name is set. */
function domainOf(
  id: string | undefined,
  name: string | undefined,
  v: AuthPluginValues,
  kind: 'user' | 'project',
): Record<string, string | undefined> {
  const [idKey, nameKey] =
    kind === 'user' ? ['userDomainId', 'userDomainName'] : ['projectDomainId', 'projectDomainName']
  if (given(id) || given(name)) return { [idKey]: id, [nameKey]: name }
  return { [idKey]: v.default_domain_id, [nameKey]: v.default_domain_name }
}

function scopeOf(v: AuthPluginValues) {
  return {
    projectId: v.project_id,
    projectName: v.project_name,
    ...domainOf(v.project_domain_id, v.project_domain_name, v, 'project'),
    domainId: v.domain_id,
    domainName: v.domain_name,
    systemScope: v.system_scope,
    trustId: v.trust_id,
  }
}

const loaded = new WeakMap<Config, IdentityPlugin | null>()

/**
 * The `[service_user]` plugin, or null when send_service_user_token is false. Loaded once per
 * Config, so every caller shares one plugin and one token refresh.
 */
export function loadServiceUserAuth(
  config: Config,
  _o: { logger?: SessionLogger } = {},
): IdentityPlugin | null {
  const cached = loaded.get(config)
  if (cached !== undefined) return cached
  const v = config.get(serviceUserGroup)
  let plugin: IdentityPlugin | null = null
  if (v.send_service_user_token) {
    const because = `[${SERVICE_USER_GROUP}] send_service_user_token = true but`
    try {
      plugin = authFromOptions(v, SERVICE_USER_GROUP)
    } catch (error) {
      if (error instanceof ConfigurationError) {
        throw new ConfigurationError(`${because} its credentials cannot be used: ${error.message}`)
      }
      throw error
    }
    if (plugin === null) {
      throw new ConfigurationError(
        `${because} auth_type is not set, so no service token can be sent. Set auth_type ` +
          '(e.g. password) with auth_url and credentials, or send_service_user_token = false.',
      )
    }
  }
  loaded.set(config, plugin)
  return plugin
}

const tlsLoaded = new WeakMap<Config, ClientTls | undefined>()

/**
 * The `[service_user]` session settings a caller can pass to the Session it sends with: `timeout`,
 * and `cafile`, `certfile`, `keyfile`, `insecure` (read once per Config, one connection pool;
 * a file that cannot be read is a ConfigurationError, `insecure = true` a warning).
 */
export function serviceUserSessionOptions(
  config: Config,
  logger: SessionLogger = {},
): Pick<SessionOptions, 'timeoutMs' | 'tls'> {
  const v = config.get(serviceUserGroup)
  if (!tlsLoaded.has(config)) {
    tlsLoaded.set(
      config,
      clientTlsFromOptions(v, SERVICE_USER_GROUP, (m) => logger.warn?.(m)),
    )
  }
  const tls = tlsLoaded.get(config)
  return {
    ...(v.timeout === undefined || v.timeout === 0 ? {} : { timeoutMs: v.timeout * 1000 }),
    ...(tls === undefined ? {} : { tls }),
  }
}

/** `[service_user] delegate` and the lifetime a sender asks for. */
export type DelegationSettings = { readonly lifetimeSeconds: number }

/**
 * The sender's delegation settings, or null when `delegate` is off. Asking to delegate without
 * sending service tokens is a start-up error: the service's own token is the delegation's actor.
 */
export function loadDelegationSettings(config: Config): DelegationSettings | null {
  const v = config.get(serviceUserGroup)
  if (!v.delegate) return null
  if (!v.send_service_user_token) {
    throw new ConfigurationError(
      `[${SERVICE_USER_GROUP}] delegate = true needs send_service_user_token = true: this ` +
        'service’s own token is the actor identity records on each delegation',
    )
  }
  return { lifetimeSeconds: v.delegation_lifetime }
}
