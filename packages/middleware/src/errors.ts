/**
 * The middleware's error registry: start-up configuration errors, and the two internal outcomes of
 * validating a token (the token is invalid; the identity service could not answer). Handlers turn the
 * latter into a 401 or 503 in one place (`auth_token.ts`); callers only ever see `MiddlewareConfigError`.
 * @module
 */

export const MiddlewareErrorCode = Object.freeze({
  Config: 'BATON_MIDDLEWARE_CONFIG',
  InvalidToken: 'BATON_MIDDLEWARE_INVALID_TOKEN',
  IdentityUnavailable: 'BATON_MIDDLEWARE_IDENTITY_UNAVAILABLE',
} as const)
export type MiddlewareErrorCode = (typeof MiddlewareErrorCode)[keyof typeof MiddlewareErrorCode]

export class MiddlewareError extends Error {
  readonly code: MiddlewareErrorCode
  constructor(code: MiddlewareErrorCode, message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = new.target.name
    this.code = code
  }
}

/** A `[keystone_authtoken]` setting that cannot work; raised at start-up, never per request. */
export class MiddlewareConfigError extends MiddlewareError {
  constructor(message: string, options?: ErrorOptions) {
    super(MiddlewareErrorCode.Config, message, options)
  }
}

/** keystonemiddleware's `InvalidToken`: the token is not (or no longer) acceptable. */
export class InvalidToken extends MiddlewareError {
  constructor(reason: string) {
    super(MiddlewareErrorCode.InvalidToken, reason)
  }
}

/** keystonemiddleware's `ServiceError`: identity could not be asked, so nothing is known (503). */
export class IdentityUnavailable extends MiddlewareError {
  constructor(reason: string, options?: ErrorOptions) {
    super(MiddlewareErrorCode.IdentityUnavailable, reason, options)
  }
}

/** A cache setting (`memcached_servers`, `memcache_security_strategy`, ...) that cannot work. */
export class CacheConfigError extends MiddlewareConfigError {}
