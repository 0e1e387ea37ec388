/**
 * `[keystone_authtoken]`: keystonemiddleware's option names and defaults, plus the keystoneauth plugin
 * options the middleware authenticates itself with (shared with `[service_user]` through the client).
 * Where Baton's default is stricter than older keystonemiddleware releases, the help text says so.
 * @module
 */
import { authPluginOptions } from '@baton/client'
import { defineGroup, opt } from '@baton/config'

export const AUTHTOKEN_GROUP = 'keystone_authtoken'

export const authtokenOptions = defineGroup(
  AUTHTOKEN_GROUP,
  {
    www_authenticate_uri: opt.str({
      help:
        'The public identity endpoint, sent to clients in `WWW-Authenticate: Keystone uri="..."` ' +
        'with every 401. Defaults to the auth_url of the middleware credentials (with a warning).',
      deprecatedNames: [{ name: 'auth_uri' }],
    }),
    auth_version: opt.str({ help: 'Identity API version; only v3 is spoken.' }),
    interface: opt.str({
      default: 'internal',
      help: 'Which catalog interface of the identity service to validate tokens against.',
    }),
    region_name: opt.str({ help: 'The region in which the identity server can be found.' }),
    delay_auth_decision: opt.bool({
      default: false,
      help:
        'Do not reject invalid requests here: pass them on with X-Identity-Status / ' +
        'X-Service-Identity-Status = Invalid and let the service decide.',
    }),
    max_token_size: opt.int({
      default: 8192,
      min: 1,
      help:
        'Baton extension: the longest token (X-Auth-Token, X-Storage-Token, X-Service-Token), in ' +
        'bytes, worth asking identity about. A longer one is invalid (401, or Invalid under ' +
        'delay_auth_decision) without a call to identity, and a warning is logged at most once a ' +
        'minute. Fernet tokens are under 300 bytes; identity refuses headers over 16 KB.',
    }),
    http_connect_timeout: opt.int({
      min: 1,
      help: 'Request timeout (seconds) for calls to the identity server.',
    }),
    http_request_max_retries: opt.int({
      default: 3,
      min: 0,
      help: 'How many times to retry connecting to the identity server.',
    }),
    cafile: opt.str({ help: 'A PEM CA bundle for verifying the identity server (HTTPS).' }),
    certfile: opt.str({ help: 'Client certificate (PEM) presented to the identity server.' }),
    keyfile: opt.str({ help: 'Key of the client certificate.' }),
    insecure: opt.bool({ default: false, help: 'Do not verify the HTTPS certificate.' }),
    memcached_servers: opt.list({
      help:
        'memcached servers (host:port) shared by every process of the service. Unset: an ' +
        'in-process LRU cache.',
      deprecatedNames: [{ name: 'memcache_servers' }],
    }),
    redis_url: opt.str({
      help:
        'Baton extension: cache validated tokens in Redis (redis://[:password@]host:port[/db]) ' +
        'instead of memcached. Takes precedence over memcached_servers.',
      secret: true,
    }),
    token_cache_time: opt.int({
      default: 300,
      help:
        'How long (seconds) a successful validation is cached; never past the token’s own ' +
        'expiry. -1 or 0 disables caching. Invalid tokens are never cached.',
    }),
    revocation_push: opt.bool({
      default: true,
      help:
        "Baton extension: subscribe to identity's revocation events (GET " +
        "/v3/OS-BATON/revocation-events, with this middleware's own credentials, allowed by " +
        'identity:list_revoke_events) and stop using a cached validation as soon as an event ' +
        'revokes its token, user, project, audit chain or delegation, instead of trusting it ' +
        'for token_cache_time (OSSN-0056). Only with caching on. When identity cannot be ' +
        'reached, or is not Baton, cached validations expire by token_cache_time alone (logged once).',
    }),
    revocation_redis_channel: opt.str({
      help:
        'Baton extension: with redis_url, also hear revocation events on this Redis pub/sub ' +
        "channel (identity's [revoke] redis_channel, published when its [revoke] redis_url is " +
        'the same Redis). Faster than the HTTP subscription, which stays on to cover Redis outages.',
    }),
    memcache_security_strategy: opt.str({
      default: 'None',
      help:
        'None, MAC (authenticate cached data) or ENCRYPT (authenticate and encrypt it), keyed ' +
        'by memcache_secret_key; case-insensitive.',
    }),
    memcache_secret_key: opt.str({
      secret: true,
      help: 'The secret for memcache_security_strategy MAC or ENCRYPT.',
    }),
    memcache_pool_socket_timeout: opt.int({
      default: 3,
      min: 1,
      help: 'Timeout (seconds) of one cache server call; a slow cache counts as a miss.',
    }),
    memcache_pool_dead_retry: opt.int({
      default: 300,
      min: 0,
      help: 'Seconds before a memcached server marked dead is tried again.',
    }),
    memcache_pool_maxsize: opt.int({
      default: 10,
      min: 1,
      help: 'Connections per memcached server.',
    }),
    include_service_catalog: opt.bool({
      default: true,
      help: 'Ask for the catalog when validating and pass it on in X-Service-Catalog.',
    }),
    enforce_token_bind: opt.str({
      default: 'permissive',
      help:
        'disabled, permissive, strict, required, or the name of a bind type the token must ' +
        'carry.',
    }),
    service_token_roles: opt.list({
      default: ['service'],
      help:
        'A service token must hold at least one of these roles (exact, case-sensitive) to ' +
        'vouch for an expired user token.',
    }),
    service_token_roles_required: opt.bool({
      default: true,
      help:
        'A service token without one of service_token_roles is invalid. Baton defaults to ' +
        'true, as keystonemiddleware does since December 2025 (older releases defaulted to ' +
        'false, which lets any valid token act as a service token).',
    }),
    service_type: opt.str({
      help:
        'This service’s catalog type; needed to check application credential access rules, and ' +
        '(Baton extension) the audience of delegation tokens: a delegation whose audience does ' +
        'not name this type is refused (401), and without service_type every delegation is.',
    }),
    ...authPluginOptions,
  },
  { help: 'How a service validates the tokens it receives (keystonemiddleware auth_token).' },
)
