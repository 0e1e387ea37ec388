/**
 * Every keystone.conf option the identity side of Baton implements, declared once with Keystone's
 * group and option names and defaults (a real keystone.conf is a valid Baton config).
 * @module
 */
import { defineGroup, httpServerOptions, loggingOptions, opt } from '@baton/config'
import { PASSWORD_HASH_ALGORITHMS } from './passwords/index.ts'
import { DEFAULT_AUTH_METHODS } from './token/methods.ts'

export const tokenOptions = defineGroup(
  'token',
  {
    expiration: opt.int({
      default: 3600,
      min: 0,
      max: 9223372036854775807n,
      help: 'The amount of time that a token should remain valid (in seconds).',
    }),
    allow_expired_window: opt.int({
      default: 172800,
      min: 0,
      help:
        'How long (in seconds) after a token expires it may still be fetched with ' +
        '`allow_expired=1`, for services that vouch for it with a service token. Fernet keys must ' +
        'outlive `expiration + allow_expired_window`: `baton keys rotate` refuses to purge a key ' +
        'that a token may still need.',
    }),
    provider: opt.str({
      default: 'fernet',
      choices: ['fernet'],
      help: 'The token provider. Baton implements Fernet tokens only.',
    }),
  },
  { help: 'Token lifetimes and format.' },
)

export const fernetTokensOptions = defineGroup(
  'fernet_tokens',
  {
    key_repository: opt.str({
      default: '/etc/keystone/fernet-keys/',
      help:
        'Directory containing Fernet token keys. It must exist before the server starts, be ' +
        'owned by the user running it and not be readable by others (mode 0700).',
    }),
    max_active_keys: opt.int({
      default: 3,
      min: 1,
      help:
        'The maximum number of active keys in the key repository, the staged key included. ' +
        'To keep tokens valid for `expiration + allow_expired_window` while rotating every R ' +
        'seconds, use at least (expiration + allow_expired_window) / R + 2.',
    }),
  },
  { help: 'Fernet token key repository.' },
)

export const fernetReceiptsOptions = defineGroup(
  'fernet_receipts',
  {
    key_repository: opt.str({
      help:
        'Directory containing Fernet receipt keys. Unset (Baton) or naming the same directory ' +
        'as [fernet_tokens] key_repository: the token keys encrypt receipts and ' +
        '`max_active_keys` here is ignored. Keystone defaults both to /etc/keystone/fernet-keys/. ' +
        'A different directory must exist, with keys, before the server starts.',
    }),
    max_active_keys: opt.int({
      default: 3,
      min: 1,
      help:
        'The maximum number of active keys in the receipt key repository, the staged key ' +
        'included. Used only when it is not the token key repository.',
    }),
  },
  { help: 'Fernet auth receipt key repository.' },
)

export const receiptOptions = defineGroup(
  'receipt',
  {
    expiration: opt.int({
      default: 300,
      min: 0,
      max: 86400,
      help:
        'The amount of time that a receipt should remain valid (in seconds). This value needs ' +
        'to strike a balance between leaving a reasonable amount of time for the user to ' +
        'perform multi-factor auth, and not keeping receipts valid for too long.',
    }),
    provider: opt.str({
      default: 'fernet',
      choices: ['fernet'],
      help: 'The receipt provider. Baton implements Fernet receipts only.',
    }),
  },
  { help: 'Auth receipts (multi-factor authentication in steps).' },
)

export const credentialOptions = defineGroup(
  'credential',
  {
    key_repository: opt.str({
      default: '/etc/keystone/credential-keys/',
      help:
        'Directory containing the Fernet keys that encrypt and decrypt credential blobs. They ' +
        'have no relationship to the token keys: never share this repository with ' +
        '[fernet_tokens] key_repository. Manage it with `baton credential setup|rotate|migrate`.',
    }),
    auth_ttl: opt.int({
      default: 15,
      min: 0,
      help:
        'The length of time in minutes for which a signed EC2 or S3 token request is valid from ' +
        'the timestamp contained in the token request.',
    }),
    user_limit: opt.int({
      default: -1,
      min: -1,
      help:
        'Maximum number of credentials a user is permitted to create. A value of -1 means ' +
        'unlimited.',
    }),
  },
  { help: 'Credentials: their encryption keys, EC2/S3 signature lifetime and per-user limit.' },
)

export const authOptions = defineGroup(
  'auth',
  {
    methods: opt.list({
      default: [...DEFAULT_AUTH_METHODS],
      help:
        'Allowed authentication methods. The order defines the methods bitmask inside Fernet ' +
        'tokens: every node sharing a key repository must list the same methods in the same order.',
    }),
  },
  { help: 'Authentication methods.' },
)

export const totpOptions = defineGroup(
  'totp',
  {
    included_previous_windows: opt.int({
      default: 1,
      min: 0,
      max: 10,
      help: 'The number of previous windows to check when processing TOTP passcodes.',
    }),
  },
  { help: 'The totp auth method.' },
)

export const identityOptions = defineGroup(
  'identity',
  {
    default_domain_id: opt.str({
      default: 'default',
      help: 'The ID of the default domain (the domain of users and projects given without one).',
    }),
    password_hash_algorithm: opt.str({
      default: 'bcrypt',
      choices: [...PASSWORD_HASH_ALGORITHMS],
      help: 'The password hashing algorithm to use for passwords stored within keystone.',
    }),
    password_hash_rounds: opt.int({
      help:
        'This option represents a trade off between security and performance. Higher values ' +
        'lead to slower performance, but higher security. Defaults per algorithm: bcrypt 12, ' +
        'scrypt 16 (log2 N), pbkdf2_sha512 25000.',
    }),
    salt_bytesize: opt.int({
      min: 0,
      max: 96,
      help: 'Number of bytes to use in scrypt and pbkfd2_sha512 hashing salt (default 16).',
    }),
    max_password_length: opt.int({
      default: 4096,
      min: 1,
      max: 4096,
      help:
        'Maximum allowed length for user passwords (bytes). bcrypt only uses the first 72 ' +
        'bytes; longer passwords are truncated unless [DEFAULT] strict_password_check is set.',
    }),
  },
  { help: 'Identity backend options.' },
)

export const defaultOptions = defineGroup('DEFAULT', {
  workers: opt.int({
    default: 1,
    min: 1,
    max: 256,
    help:
      'Number of identity server processes sharing the listening port (Keystone deployments run ' +
      'several uwsgi workers). Fernet validation is stateless, so any worker answers any token.',
  }),
  strict_password_check: opt.bool({
    default: false,
    help:
      'If set to true, strict password length checking is performed for password manipulation. ' +
      'If a password exceeds the maximum length, the operation will fail with an HTTP 403 ' +
      'Forbidden error. If set to false, passwords are automatically truncated to the maximum ' +
      'length.',
  }),
  public_endpoint: opt.uri({
    help:
      'The base public endpoint URL for Keystone that is advertised to clients (NOTE: this does ' +
      'NOT affect how Keystone listens for connections). If unset, the base URL is derived from ' +
      'the request: scheme, host and port the client used.',
  }),
})

export const osloMiddlewareOptions = defineGroup(
  'oslo_middleware',
  {
    max_request_body_size: opt.int({
      default: 114688,
      min: 0,
      help: 'The maximum body size for each request, in bytes (larger bodies get 413).',
      deprecatedNames: [{ group: 'DEFAULT', name: 'osapi_max_request_body_size' }],
    }),
  },
  { help: 'Request limits.' },
)

export const databaseOptions = defineGroup(
  'database',
  {
    connection: opt.str({
      default: 'sqlite:///keystone.db',
      secret: true,
      help:
        'The SQLAlchemy-style connection string: sqlite:///relative/path, sqlite:////absolute/path ' +
        'or postgresql://user:password@host:port/dbname (postgresql+psycopg2:// is accepted too).',
    }),
  },
  { help: 'The identity database.' },
)

/*
 * Token issue, validation and revocation (core/tokens, core/auth). Groups that share a name with
 * one above merge with it when the config loads.
 */

export const tokenRescopeOptions = defineGroup('token', {
  allow_rescope_scoped_token: opt.bool({
    default: true,
    help:
      'This toggles whether scoped tokens may be re-scoped to a new project or domain, ' +
      'thereby preventing users from exchanging a scoped token (including those with a default ' +
      'project scope) for any other token. This forces users to either authenticate for ' +
      'unscoped tokens (and later exchange that unscoped token for tokens with a more specific ' +
      'scope) or to provide their credentials in every request for a scoped token to avoid ' +
      're-scoping altogether.',
  }),
})

export const authPrimaryMethodOptions = defineGroup('auth', {
  additional_primary_auth_methods: opt.list({
    default: [],
    help:
      "Auth method names, beyond keystone's own built-in primary methods (password, totp, " +
      'mapped, saml2, openid, external, kerberos, x509, token), that authenticate a user ' +
      'directly rather than via a delegated credential. Tokens from any other method (an ' +
      'application credential, for one) cannot be exchanged for another token.',
  }),
})

export const securityComplianceOptions = defineGroup(
  'security_compliance',
  {
    lockout_failure_attempts: opt.int({
      min: 1,
      help:
        'The maximum number of times that a user can fail to authenticate before the user ' +
        'account is locked for the number of seconds specified by `[security_compliance] ' +
        'lockout_duration`. This feature is disabled by default. If this feature is enabled ' +
        'and `[security_compliance] lockout_duration` is not set, then users may be locked out ' +
        'indefinitely until the user is explicitly enabled via the API.',
    }),
    lockout_duration: opt.int({
      default: 1800,
      min: 1,
      help:
        'The number of seconds a user account will be locked when the maximum number of ' +
        'failed authentication attempts (as specified by `[security_compliance] ' +
        'lockout_failure_attempts`) is exceeded. Setting this option will have no effect ' +
        'unless you also set `[security_compliance] lockout_failure_attempts` to a non-zero ' +
        'value.',
    }),
    disable_user_account_days_inactive: opt.int({
      min: 1,
      help:
        'The maximum number of days a user can go without authenticating before being ' +
        'considered "inactive" and automatically disabled (locked). This feature is disabled ' +
        'by default; set any value to enable it. When a user exceeds this threshold and is ' +
        'considered "inactive", the user\'s `enabled` attribute in the HTTP API may not match ' +
        "the value of the user's `enabled` column in the user table.",
    }),
    password_expires_days: opt.int({
      min: 1,
      help:
        'The number of days for which a password will be considered valid before requiring ' +
        'it to be changed. This feature is disabled by default. If enabled, new password ' +
        'changes will have an expiration date, however existing passwords would not be ' +
        'impacted.',
    }),
    unique_last_password_count: opt.int({
      default: 0,
      min: 0,
      help:
        'This controls the number of previous user password iterations to keep in history, ' +
        'in order to enforce that newly created passwords are unique. The total number which ' +
        'includes the new password should not be greater or equal to this value. Setting the ' +
        'value to zero (the default) disables this feature. Thus, to enable this feature, ' +
        'values must be greater than 0.',
    }),
    minimum_password_age: opt.int({
      default: 0,
      min: 0,
      help:
        'The number of days that a password must be used before the user can change it. This ' +
        'prevents users from changing their passwords immediately in order to wipe out their ' +
        'password history and reuse an old password. This feature does not prevent ' +
        'administrators from manually resetting passwords. It is disabled by default and ' +
        'allows for immediate password changes. Note: If `[security_compliance] ' +
        'password_expires_days` is set, then the value for this option should be less than ' +
        'the `password_expires_days`.',
    }),
    password_regex: opt.str({
      help:
        'The regular expression used to validate password strength requirements. By default, ' +
        'the regular expression will match any password. The following is an example of a ' +
        'pattern which requires at least 1 letter, 1 digit, and have a minimum length of 7 ' +
        'characters: ^(?=.*\\d)(?=.*[a-zA-Z]).{7,}$ (matched from the start of the password, ' +
        "as Python's re.match; JavaScript regular expression syntax).",
    }),
    password_regex_description: opt.str({
      help:
        'Describe your password regular expression here in language for humans. If a ' +
        'password fails to match the regular expression, the contents of this configuration ' +
        'variable will be returned to users to explain why their requested password was ' +
        'insufficient.',
    }),
    change_password_upon_first_use: opt.bool({
      default: false,
      help:
        'Enabling this option requires users to change their password when the user is ' +
        'created, or upon administrative reset. Before accessing any services, affected users ' +
        'will have to change their password. To ignore this requirement for specific users, ' +
        'such as service users, set the `options` attribute ' +
        '`ignore_change_password_upon_first_use` to `True` for the desired user via the ' +
        'update user API. This feature is disabled by default.',
    }),
  },
  { help: 'Security compliance features of the SQL identity backend.' },
)

export const resourceOptions = defineGroup(
  'resource',
  {
    admin_project_domain_name: opt.str({
      help:
        'Name of the domain that owns the `admin_project_name`. If left unset, then there is ' +
        'no admin project. `[resource] admin_project_name` must also be set to use this option.',
    }),
    admin_project_name: opt.str({
      help:
        'This is a special project which represents cloud-level administrator privileges ' +
        'across services. Tokens scoped to this project will contain a true ' +
        '`is_admin_project` attribute to indicate to policy systems that the role ' +
        'assignments on that specific project should apply equally across every project. If ' +
        'left unset, then there is no admin project. `[resource] admin_project_domain_name` ' +
        'must also be set to use this option.',
    }),
  },
  { help: 'Projects and domains.' },
)

export const revokeOptions = defineGroup(
  'revoke',
  {
    expiration_buffer: opt.int({
      default: 1800,
      min: 0,
      help:
        'The number of seconds after a token has expired before a corresponding revocation ' +
        'event may be purged from the backend. Baton counts it after `[token] ' +
        'allow_expired_window` too (Keystone does not), so a revoked token never becomes valid ' +
        'again for services that fetch expired tokens.',
    }),
  },
  { help: 'Token revocation events.' },
)

/*
 * The resource API (api/v3, core/resources): projects, roles and role implications.
 */

export const projectTreeOptions = defineGroup('DEFAULT', {
  max_project_tree_depth: opt.int({
    default: 5,
    help:
      'Maximum depth of the project hierarchy, excluding the project acting as a domain at the ' +
      'top of the hierarchy. WARNING: Setting it to a large value may adversely impact ' +
      'performance.',
  }),
})

export const assignmentOptions = defineGroup(
  'assignment',
  {
    prohibited_implied_role: opt.list({
      default: ['admin'],
      help: 'A list of role names which are prohibited from being an implied role.',
    }),
  },
  { help: 'Roles and role assignments.' },
)

export const policyOptions = defineGroup(
  'oslo_policy',
  {
    enforce_scope: opt.bool({
      default: false,
      help:
        'This option controls whether or not to enforce scope when evaluating policies. If ' +
        '``True``, the scope of the token used in the request is compared to the ' +
        '``scope_types`` of the policy being enforced. If the scopes do not match, the request ' +
        'is refused (403). If ``False``, scope is not checked.',
    }),
    enforce_new_defaults: opt.bool({
      default: false,
      help:
        'This option controls whether or not to use old deprecated defaults when evaluating ' +
        'policies. If ``True``, the old deprecated defaults are not going to be evaluated. ' +
        'It is encouraged to enable this flag along with the ``enforce_scope`` flag. If ' +
        "``False``, the deprecated policy check string is logically OR'd with the new policy " +
        'check string (the Keystone 22 behaviour).',
    }),
    policy_file: opt.str({
      default: 'policy.yaml',
      help:
        'The relative or absolute path of a file that maps roles to permissions (overrides of ' +
        'the default rules). A relative path is searched in the directories of the config ' +
        'files, then ~/.keystone, ~, /etc/keystone and /etc; when left at its default and no ' +
        'policy.yaml exists, a policy.json there is used. No file means the defaults. Baton ' +
        'reads JSON and YAML as oslo.policy does (PyYAML), and refuses a rule whose value is not ' +
        'a string (a number, boolean, null or list) with its line.',
      deprecatedNames: [{ group: 'DEFAULT', name: 'policy_file' }],
    }),
    policy_default_rule: opt.str({
      default: 'default',
      help:
        'Default rule. Enforced when a requested rule is not found (only if the policy file ' +
        'defines it; otherwise such requests are refused).',
      deprecatedNames: [{ group: 'DEFAULT', name: 'policy_default_rule' }],
    }),
  },
  { help: 'Policy (RBAC) enforcement, as oslo.policy reads it.' },
)

export const endpointFilterOptions = defineGroup(
  'endpoint_filter',
  {
    return_all_endpoints_if_no_filter: opt.bool({
      default: true,
      help:
        "This controls keystone's behavior if the configured endpoint filters do not result in " +
        'any endpoints for a user + project pair (and therefore a potentially empty service ' +
        'catalog). If set to true, keystone will return the entire service catalog. If set to ' +
        'false, keystone will return an empty service catalog.',
    }),
  },
  { help: 'OS-EP-FILTER: the catalog of project-scoped tokens.' },
)

/**
 * `[http_server]`: header, body-rate and whole-request deadlines (slow clients get 408). Declared
 * in @baton/config because the reference services and the echo server enforce the same limits.
 */
export { httpServerOptions }

/*
 * Trusts (api/v3/trusts.ts, core/resources/trusts.ts).
 */

export const trustOptions = defineGroup(
  'trust',
  {
    allow_redelegation: opt.bool({
      default: false,
      help:
        'Allows authorization to be redelegated from one user to another, effectively chaining ' +
        'trusts together. When disabled, the `remaining_uses` attribute of a trust is ' +
        "constrained to be zero. (Keystone 22 declares it but reads it nowhere: a trust's own " +
        '`allow_redelegation` decides; so does Baton.)',
    }),
    max_redelegation_count: opt.int({
      default: 3,
      help:
        'Maximum number of times that authorization can be redelegated from one user to ' +
        'another in a chain of trusts. This number may be reduced further for a specific trust.',
    }),
  },
  { help: 'Trusts (OS-TRUST): delegation of roles from a trustor to a trustee.' },
)

export const trustEscalationOptions = defineGroup('security_compliance', {
  allow_insecure_application_credential_trust_escalation: opt.bool({
    default: false,
    help:
      'Deprecated for removal (Keystone 2026.1). Lets tokens issued from an application ' +
      'credential create and manage trusts, which delegate every role the user holds on the ' +
      "project rather than only the credential's. Tokens from other delegated methods are " +
      'refused whatever this says.',
  }),
})

/** Every group the identity server reads, for loading and for sample-config generation. */
export const unifiedLimitOptions = defineGroup(
  'unified_limit',
  {
    enforcement_model: opt.str({
      default: 'flat',
      choices: [
        ['flat', 'Limits are checked without the project hierarchy.'],
        [
          'strict_two_level',
          'Domains and their projects only; a project limit may not exceed its domain limit.',
        ],
      ],
      help:
        'The enforcement model to use when validating limits associated to projects. ' +
        'Enforcement models will behave differently depending on the existing limits, which ' +
        'may result in backwards incompatible changes if a model is switched in a running ' +
        'deployment.',
    }),
  },
  { help: 'Unified limits (/v3/registered_limits, /v3/limits).' },
)

/*
 * `list_limit` (keystone/conf/{default,identity,resource,role,catalog,policy,unified_limit}.py):
 * the longest list a collection answers before it says `"truncated": true`. A group's own value
 * wins over `[DEFAULT] list_limit`; unset or 0 means no limit.
 */

const listLimit = (what: string) =>
  opt.int({
    min: 0,
    help:
      `Maximum number of entities that will be returned in ${what} collection. ` +
      'Unset, the `[DEFAULT] list_limit` applies.',
  })

export const defaultListLimitOptions = defineGroup('DEFAULT', {
  list_limit: opt.int({
    min: 0,
    help:
      'The maximum number of entities that will be returned in a collection. This global ' +
      'limit may be then overridden for a specific driver, by specifying a list_limit in the ' +
      'appropriate section (for example, `[identity]`). No limit is set by default.',
  }),
})

export const listLimitOptions = {
  identity: defineGroup('identity', { list_limit: listLimit('an identity (user and group)') }),
  resource: defineGroup('resource', { list_limit: listLimit('a resource (project and domain)') }),
  role: defineGroup('role', { list_limit: listLimit('a role') }),
  catalog: defineGroup('catalog', {
    list_limit: listLimit('a catalog (service, endpoint, region)'),
  }),
  policy: defineGroup('policy', { list_limit: listLimit('a policy') }),
  unified_limit: defineGroup('unified_limit', { list_limit: listLimit('a unified limit') }),
} as const

export const identityOptionGroups = [
  defaultOptions,
  loggingOptions,
  databaseOptions,
  tokenOptions,
  fernetTokensOptions,
  credentialOptions,
  authOptions,
  identityOptions,
  osloMiddlewareOptions,
  httpServerOptions,
  tokenRescopeOptions,
  authPrimaryMethodOptions,
  securityComplianceOptions,
  resourceOptions,
  revokeOptions,
  projectTreeOptions,
  assignmentOptions,
  endpointFilterOptions,
  policyOptions,
  unifiedLimitOptions,
  defaultListLimitOptions,
  ...Object.values(listLimitOptions),
  trustOptions,
  trustEscalationOptions,
  totpOptions,
  fernetReceiptsOptions,
  receiptOptions,
]
