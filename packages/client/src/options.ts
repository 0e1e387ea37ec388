/**
 * The client's options: keystoneauth's plugin options (`authPluginOptions`, spread into any group
 * that holds credentials, e.g. the middleware's `[keystone_authtoken]`) and nova/cinder's
 * `[service_user]` group (plugin options plus keystoneauth session options).
 * @module
 */
import { defineGroup, opt } from '@baton/config'

export const SERVICE_USER_GROUP = 'service_user'

/** auth_type and every option of the password, token and application credential plugins. */
export const authPluginOptions = {
  auth_type: opt.str({
    help:
      'Authentication type to load: password (v3password), token (v3token) or ' +
      'v3applicationcredential (application_credential). Unset: no credentials.',
    deprecatedNames: [{ name: 'auth_plugin' }],
  }),
  auth_section: opt.str({
    help: 'Config section from which to load plugin specific options (not supported by Baton).',
  }),
  auth_url: opt.str({ help: 'Authentication URL, e.g. http://keystone:5000 or .../v3.' }),
  system_scope: opt.str({ help: "Scope for system operations; only 'all'." }),
  domain_id: opt.str({ help: 'Domain ID to scope to.' }),
  domain_name: opt.str({ help: 'Domain name to scope to.' }),
  project_id: opt.str({
    help: 'Project ID to scope to.',
    deprecatedNames: [{ name: 'tenant-id' }],
  }),
  project_name: opt.str({
    help: 'Project name to scope to.',
    deprecatedNames: [{ name: 'tenant-name' }],
  }),
  project_domain_id: opt.str({ help: 'Domain ID containing project.' }),
  project_domain_name: opt.str({ help: 'Domain name containing project.' }),
  trust_id: opt.str({ help: 'Trust ID (a trust-scoped token; password and token plugins).' }),
  default_domain_id: opt.str({
    help: 'Optional domain ID to use with v3 API; used for user and project domains when unset.',
  }),
  default_domain_name: opt.str({
    help: 'Optional domain name to use with v3 API; used for user and project domains when unset.',
  }),
  user_id: opt.str({ help: 'User ID.' }),
  username: opt.str({ help: 'Username.', deprecatedNames: [{ name: 'user-name' }] }),
  user_domain_id: opt.str({ help: "User's domain ID." }),
  user_domain_name: opt.str({ help: "User's domain name." }),
  password: opt.str({ help: "User's password.", secret: true }),
  token: opt.str({ help: 'Token to authenticate with (auth_type = token).', secret: true }),
  application_credential_id: opt.str({ help: 'Application credential ID.' }),
  application_credential_name: opt.str({ help: 'Application credential name.' }),
  application_credential_secret: opt.str({ help: 'Application credential secret.', secret: true }),
} as const

export const serviceUserGroup = defineGroup(
  SERVICE_USER_GROUP,
  {
    send_service_user_token: opt.bool({
      default: false,
      help:
        'When sending a user token to a REST API, also send a service token. An expired user ' +
        'token is then still accepted by services that trust this one, and it is clear the ' +
        'call is made on the user’s behalf. When true, Baton refuses to start without usable ' +
        'credentials here (cinder’s behaviour; nova only warns).',
    }),
    delegate: opt.bool({
      default: false,
      help:
        'Baton only. At the start of a long operation (a boot from volume, an image copy), ' +
        'exchange the user’s token for a delegation token bound to that operation and to the ' +
        'services it will call (`POST /v3/OS-BATON/delegations`, with this service’s own token as ' +
        'the actor), and send that downstream instead of the user’s token; a hop that received a ' +
        'delegation narrows it for its own calls. The job then outlives the user’s token without ' +
        '`[token] allow_expired_window` at identity, which can be 0 when every sender delegates. ' +
        'Needs send_service_user_token = true and an identity that issues delegations ' +
        '(docs/delegation.md).',
    }),
    delegation_lifetime: opt.int({
      default: 3600,
      min: 1,
      help:
        'Baton only. The seconds a delegation asked for under `delegate = true` may live: the ' +
        'longest an operation may take. Identity caps it by `[delegation] max_lifetime`, and a ' +
        'narrowed delegation by its parent’s deadline.',
    }),
    ...authPluginOptions,
    cafile: opt.str({
      help: 'PEM encoded Certificate Authority to use when verifying HTTPs connections.',
    }),
    certfile: opt.str({ help: 'PEM encoded client certificate cert file.' }),
    keyfile: opt.str({ help: 'PEM encoded client certificate key file.' }),
    insecure: opt.bool({ default: false, help: 'Do not verify HTTPS certificates.' }),
    timeout: opt.int({ min: 0, help: 'Timeout value for http requests (seconds).' }),
    collect_timing: opt.bool({ default: false, help: 'Collect per-API call timing information.' }),
    split_loggers: opt.bool({ default: false, help: 'Log requests to multiple loggers.' }),
    region_name: opt.str({ help: 'The default region_name for endpoint URL discovery.' }),
    interface: opt.str({ help: 'The default interface for endpoint URL discovery.' }),
  },
  {
    help: 'Credentials a service uses to send its own token along with a user’s (X-Service-Token).',
  },
)
