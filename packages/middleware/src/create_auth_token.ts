/**
 * Builds the middleware from `[keystone_authtoken]`: from config files (keystonemiddleware's option
 * names), a loaded `Config`, or a plain object of the same names. Every setting is checked here, at
 * start-up, so a broken deployment fails before it serves a request.
 * @module
 */
import {
  type AccessInfo,
  authFromOptions,
  type Clock,
  clientTlsFromOptions,
  type DownstreamSession,
  downstreamSession,
  type IdentityPlugin,
  type Interface,
  Session,
  type SessionOptions,
} from '@baton/client'
import {
  type Config,
  type GroupValues,
  loadConfig,
  openstackOptions,
  unusedSummary,
} from '@baton/config'
import { AuthTokenProtocol, type RequestIdentity } from './auth_token.ts'
import { sharedCacheBackendFromOptions } from './cache/from_options.ts'
import { CacheConfigError, parseSecurityStrategy, TokenCache } from './cache/index.ts'
import { requireSecretFor } from './cache/strategy.ts'
import { MiddlewareConfigError } from './errors.ts'
import { type MiddlewareLogger, toMiddlewareLogger } from './logger.ts'
import { MiddlewareStats } from './metrics/middleware_stats.ts'
import { authtokenOptions } from './options.ts'
import { RevocationPush, type RevocationPushStatus } from './revocation/revocation_push.ts'
import { parseBindMode } from './token_checks.ts'
import { TokenFetcher } from './token_fetcher.ts'

/** Option values by keystonemiddleware name, as they would be written in the INI section. */
export type AuthTokenOptionValues = Readonly<
  Record<string, string | number | boolean | readonly string[] | undefined>
>

export type CreateAuthTokenOptions = {
  /** One of: config files, an already loaded config, or option values. */
  readonly configFiles?: readonly string[]
  readonly config?: Config
  readonly options?: AuthTokenOptionValues
  /** Environment for `OS_KEYSTONE_AUTHTOKEN__<OPTION>` overrides (files only). */
  readonly env?: Readonly<Record<string, string | undefined>>
  readonly logger?: Partial<MiddlewareLogger>
  readonly clock?: Clock
  /** Product name for the User-Agent sent to identity. */
  readonly userAgent?: string
}

/**
 * Whom a downstream call acts for: the request's identity (its confirmed user token and catalog),
 * or a user token this middleware confirmed earlier and a background job kept (a `Delegation`).
 */
export type ActingUser = RequestIdentity | { readonly userToken: string }

/** A configured middleware: adapters wrap it; `close()` releases cache connections. */
export type AuthToken = {
  readonly protocol: AuthTokenProtocol
  /** The middleware's own credentials: what `sessionFor` sends as X-Service-Token by default. */
  readonly serviceAuth: IdentityPlugin
  /**
   * The one way a service calls the next: a session sending the user's token as X-Auth-Token and
   * this service's own as X-Service-Token (`serviceAuth`; null sends the user's alone). Its
   * `delegate()` exchanges the two for a job-bound delegation (`[service_user] delegate`).
   */
  sessionFor(
    user: ActingUser,
    options?: { serviceAuth?: IdentityPlugin | null } & SessionOptions,
  ): DownstreamSession
  /**
   * The revocation-event subscription (`revocation_push`); undefined when it is off or caching is
   * (token_cache_time <= 0).
   */
  readonly revocationPush: RevocationPushStatus | undefined
  /** What the middleware counted (decisions, cache, identity round trips); see `middlewareMetrics`. */
  readonly stats: MiddlewareStats
  close(): Promise<void>
}

export function createAuthToken(o: CreateAuthTokenOptions): AuthToken {
  const logger = toMiddlewareLogger(o.logger)
  const clock = o.clock ?? { now: Date.now }
  // A loaded Config's warnings are its loader's to report (a service prints them once).
  const config = o.config ?? loadAuthtokenConfig(o)
  if (o.config === undefined) {
    for (const warning of config.warnings) logger.warn(warning)
    const summary = unusedSummary(config.unused)
    if (summary !== undefined) logger.warn(`[keystone_authtoken]: ${summary}`)
  }
  const v = config.get(authtokenOptions)

  const auth = authFromOptions(v, 'keystone_authtoken')
  if (auth === null) {
    throw new MiddlewareConfigError(
      '[keystone_authtoken] auth_type is not set: the middleware needs its own credentials ' +
        '(auth_type = password or v3applicationcredential, auth_url, ...) to validate tokens',
    )
  }
  if (v.interface !== 'public' && v.interface !== 'internal' && v.interface !== 'admin') {
    throw new MiddlewareConfigError(
      '[keystone_authtoken] interface must be public, internal or admin',
    )
  }
  let wwwAuthenticateUri = v.www_authenticate_uri
  if (wwwAuthenticateUri === undefined || wwwAuthenticateUri === '') {
    wwwAuthenticateUri = typeof v.auth_url === 'string' ? v.auth_url : ''
    logger.warn(
      'Configuring www_authenticate_uri to point to the public identity endpoint is required; ' +
        'clients may not be able to authenticate against an admin endpoint',
    )
  }
  if (!v.service_token_roles_required) {
    logger.warn(
      '[keystone_authtoken] service_token_roles_required is false, so every valid token then counts ' +
        'as a service token, bypassing access rules and service role checks. Set it to true.',
    )
  }

  const session = new Session({
    auth,
    clock,
    connectRetries: v.http_request_max_retries,
    ...(v.http_connect_timeout === undefined ? {} : { timeoutMs: v.http_connect_timeout * 1000 }),
    userAgent: o.userAgent ?? 'baton-authtoken',
    // cafile, certfile, keyfile, insecure: how identity's HTTPS is checked
    tls: clientTlsFromOptions(v, 'keystone_authtoken', (m) => logger.warn(m)),
  })
  const cache = buildSharedCache(v, logger, clock)
  const identity = {
    serviceType: 'identity',
    interface: v.interface as Interface,
    ...(v.region_name === undefined ? {} : { regionName: v.region_name }),
  }
  const redisChannel = v.revocation_redis_channel
  const push =
    v.token_cache_time > 0 && v.revocation_push
      ? new RevocationPush({
          session,
          identity,
          clock,
          logger,
          cacheTimeSeconds: v.token_cache_time,
          redis:
            cache?.backendName === 'redis' &&
            v.redis_url !== undefined &&
            redisChannel !== undefined &&
            redisChannel !== ''
              ? { url: v.redis_url, channel: redisChannel }
              : undefined,
        })
      : undefined
  const stats = new MiddlewareStats()
  const fetcher = new TokenFetcher({
    stats,
    session,
    identity,
    includeServiceCatalog: v.include_service_catalog,
    cache,
    cacheTime: v.token_cache_time,
    clock,
    revocations: push,
  })
  const protocol = new AuthTokenProtocol({
    settings: {
      wwwAuthenticateUri,
      delayAuthDecision: v.delay_auth_decision,
      serviceTokenRoles: new Set(v.service_token_roles),
      serviceTokenRolesRequired: v.service_token_roles_required,
      includeServiceCatalog: v.include_service_catalog,
      bind: parseBindMode(v.enforce_token_bind),
      serviceType: v.service_type,
      maxTokenSize: v.max_token_size,
    },
    fetcher,
    clock,
    logger,
    stats,
  })
  return {
    stats,
    protocol,
    serviceAuth: auth,
    sessionFor(user, options = {}) {
      const { serviceAuth = auth, ...sessionOptions } = options
      return downstreamSession({
        ...sessionOptions,
        user: userAccessOf(user),
        serviceAuth,
        clock,
      })
    },
    revocationPush: push,
    close: async () => {
      await push?.close()
      fetcher.clear()
      await cache?.close()
    },
  }
}

function userAccessOf(user: ActingUser): AccessInfo | string {
  if ('userToken' in user) {
    if (user.userToken !== '') return user.userToken
    throw new MiddlewareConfigError('this delegation has no user token to pass on')
  }
  if (user.user === undefined) {
    throw new MiddlewareConfigError('this request has no confirmed user token to pass on')
  }
  return user.user
}

type AuthtokenValues = GroupValues<(typeof authtokenOptions)['options']>

/**
 * The shared token cache (memcached or Redis) when one is configured; undefined otherwise, the
 * fetcher's in-process layer then being the whole cache. The security options are checked either way.
 */
function buildSharedCache(
  v: AuthtokenValues,
  logger: MiddlewareLogger,
  clock: Clock,
): TokenCache | undefined {
  if (v.token_cache_time <= 0) return undefined
  try {
    const securityStrategy = parseSecurityStrategy(v.memcache_security_strategy)
    requireSecretFor(securityStrategy, v.memcache_secret_key)
    const backend = sharedCacheBackendFromOptions({
      memcachedServers: v.memcached_servers ?? [],
      redisUrl: v.redis_url,
      socketTimeoutMs: v.memcache_pool_socket_timeout * 1000,
      deadRetrySeconds: v.memcache_pool_dead_retry,
      poolMaxSize: v.memcache_pool_maxsize,
    })
    if (backend === undefined) return undefined
    return new TokenCache({
      backend,
      securityStrategy,
      ...(v.memcache_secret_key === undefined ? {} : { secretKey: v.memcache_secret_key }),
      logger,
      clock,
    })
  } catch (error) {
    if (error instanceof CacheConfigError) {
      throw new MiddlewareConfigError(`[keystone_authtoken] ${error.message}`, { cause: error })
    }
    throw error
  }
}

function loadAuthtokenConfig(o: CreateAuthTokenOptions): Config {
  if (o.options !== undefined) {
    const section: Record<string, string> = {}
    for (const [name, value] of Object.entries(o.options)) {
      if (value === undefined) continue
      section[name] = Array.isArray(value) ? value.join(',') : String(value)
    }
    return loadConfig({ groups: [authtokenOptions], overrides: { keystone_authtoken: section } })
  }
  // The file is the service's (nova.conf): only [keystone_authtoken] is the middleware's to judge.
  return loadConfig({
    groups: [authtokenOptions],
    files: o.configFiles ?? [],
    env: o.env ?? {},
    known: openstackOptions,
    otherGroups: 'ignore',
  })
}
