/**
 * The middleware's error registry: start-up configuration errors, and the two internal outcomes of
 * validating a token (the token is invalid; the identity service could not answer). Handlers turn the
 * latter into a 401 or 503 in one place (`auth_token.ts`); callers only ever see `MiddlewareConfigError`.
 * @module
 */
import { BatonError } from '@baton/config'

export const MiddlewareErrorCode = Object.freeze({
  Config: 'BATON_MIDDLEWARE_CONFIG',
  InvalidToken: 'BATON_MIDDLEWARE_INVALID_TOKEN',
  IdentityUnavailable: 'BATON_MIDDLEWARE_IDENTITY_UNAVAILABLE',
} as const)
export type MiddlewareErrorCode = (typeof MiddlewareErrorCode)[keyof typeof MiddlewareErrorCode]

/** The package's base: each subclass names its code once, as `static code`. */
export class MiddlewareError extends BatonError {
  declare readonly code: MiddlewareErrorCode
}

/** A `[keystone_authtoken]` setting that cannot work; raised at start-up, never per request. */
export class MiddlewareConfigError extends MiddlewareError {
  static override readonly code: MiddlewareErrorCode = MiddlewareErrorCode.Config
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
  }
}

/** keystonemiddleware's `InvalidToken`: the token is not (or no longer) acceptable. */
export class InvalidToken extends MiddlewareError {
  static override readonly code: MiddlewareErrorCode = MiddlewareErrorCode.InvalidToken
  constructor(reason: string) {
    super(reason)
  }
}

/** keystonemiddleware's `ServiceError`: identity could not be asked, so nothing is known (503). */
export class IdentityUnavailable extends MiddlewareError {
  static override readonly code: MiddlewareErrorCode = MiddlewareErrorCode.IdentityUnavailable
  constructor(reason: string, options?: ErrorOptions) {
    super(reason, options)
  }
}

/** A cache setting (`memcached_servers`, `memcache_security_strategy`, ...) that cannot work. */
export class CacheConfigError extends MiddlewareConfigError {}
