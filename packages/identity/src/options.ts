/**
 * Every keystone.conf option the identity side of Baton implements, declared once with Keystone's
 * group and option names and defaults (a real keystone.conf is a valid Baton config).
 * @module
 */
import { defineGroup, opt } from '@baton/config'
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

/** Every group the identity server reads, for loading and for sample-config generation. */
export const identityOptionGroups = [
  defaultOptions,
  databaseOptions,
  tokenOptions,
  fernetTokensOptions,
  authOptions,
  identityOptions,
  osloMiddlewareOptions,
]
