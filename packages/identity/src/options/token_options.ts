/**
 * `[token]`, `[fernet_tokens]`, `[fernet_receipts]`, `[receipt]` and `[revoke]`: how tokens and auth
 * receipts are issued, kept valid and revoked.
 * Keystone's group and option names and defaults; part of `identityOptionGroups` (../options.ts).
 * @module
 */
import { defineGroup, opt } from '@baton/config'

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
    key_store: opt.str({
      default: 'files',
      choices: [
        ['files', "Keystone's key repository: one file per key under key_repository"],
        [
          'database',
          'Baton only: the keys live in the identity database, wrapped by key_encryption_key_file',
        ],
      ],
      help:
        'Baton only. Where the Fernet keys (token keys, and receipt keys) live. `files` (the ' +
        "default) is Keystone's repository, to be copied to every node after each rotation; " +
        '`database` keeps them in the identity database, each wrapped (AES-256-GCM) by the key ' +
        'in key_encryption_key_file, and every node picks up a rotation within a second.',
    }),
    key_encryption_key_file: opt.str({
      default: '/etc/baton/fernet-kek',
      help:
        'Baton only, with key_store = database. The key-encryption key: a local file, mode ' +
        '0600, owned by the user running Baton, identical on every node (`baton keys setup` ' +
        'creates it when missing). The database alone cannot unwrap the keys.',
    }),
    rotation_interval: opt.int({
      default: 0,
      min: 0,
      help:
        'Baton only, with key_store = database. Rotate the keys automatically every this many ' +
        'seconds (0: never). One node, elected through a database lease, rotates, and only ' +
        'when the rotation guard and every live node allow. Size max_active_keys to at least ' +
        '(expiration + allow_expired_window) / rotation_interval + 2.',
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
    event_poll_interval: opt.float({
      default: 0.1,
      min: 0.01,
      max: 60,
      help:
        'Baton extension: how often (seconds) each identity process reads newly recorded ' +
        'revocation events, while a middleware waits on GET /v3/OS-BATON/revocation-events or ' +
        'redis_url is set. Reading the table is how every node sharing the database sees events ' +
        'recorded by any other; one indexed query per interval per process.',
    }),
    redis_url: opt.str({
      secret: true,
      help:
        'Baton extension: also publish each revocation event on this Redis ' +
        '(redis://[:password@]host:port[/db]), for middlewares whose token cache is the same Redis ' +
        '([keystone_authtoken] redis_url and revocation_redis_channel). Unset: no Redis.',
    }),
    redis_channel: opt.str({
      default: 'baton-revocation-events',
      help:
        'Baton extension: the Redis pub/sub channel revocation events are published on (see ' +
        "redis_url); the middleware's revocation_redis_channel must name the same.",
    }),
  },
  { help: 'Token revocation events.' },
)
