/**
 * Authentication errors whose messages reach the client.
 * Part of the identity error registry (../errors.ts).
 * @module
 */
import { Unauthorized } from './keystone_error.ts'

/*
 * Authentication (packages/identity/src/core/auth): Keystone's Unauthorized subclasses whose
 * messages reach the client. Plain Unauthorized messages never do: Keystone's SecurityError
 * replaces them with the generic one unless insecure_debug is set, so callers throw
 * `new Unauthorized()` and keep any detail in `cause`.
 */

/**
 * keystone exception.AuthPluginException: a 401 whose body also carries
 * `error.identity = authentication` (keystone application.py `_handle_keystone_exception`).
 */
export class AuthPluginError extends Unauthorized {
  static override readonly defaultMessage: string = 'Authentication plugin error.'
  /** Rendered as `error.identity`; `{}` unless a subclass says otherwise. */
  readonly authentication: Readonly<Record<string, unknown>>

  constructor(
    message?: string,
    authentication: Readonly<Record<string, unknown>> = {},
    options?: ErrorOptions,
  ) {
    super(message, options)
    this.authentication = authentication
  }
}

/** keystone exception.AuthMethodNotSupported: `error.identity.methods` lists `[auth] methods`. */
export class AuthMethodNotSupported extends AuthPluginError {
  static override readonly defaultMessage: string =
    'Attempted to authenticate with an unsupported method.'

  constructor(configuredMethods: readonly string[], options?: ErrorOptions) {
    super(undefined, { methods: [...configuredMethods] }, options)
  }
}

/** keystone exception.ApplicationCredentialAuthError (its detail is shown). */
export class ApplicationCredentialAuthError extends AuthPluginError {
  constructor(detail: string, options?: ErrorOptions) {
    super(`Error authenticating with application credential: ${detail}`, {}, options)
  }
}

/**
 * keystone exception.AccountLocked: `[security_compliance] lockout_failure_attempts` reached.
 * Keystone never shows it (its notification wrapper re-raises a bare Unauthorized): use it as the
 * `cause` of one, for the logs.
 */
export class AccountLocked extends Unauthorized {
  constructor(userId: string, options?: ErrorOptions) {
    super(`The account is locked for user: ${userId}.`, options)
  }
}

/** keystone exception.PasswordExpired. */
export class PasswordExpired extends Unauthorized {
  constructor(userId: string, options?: ErrorOptions) {
    super(`The password is expired and needs to be changed for user: ${userId}.`, options)
  }
}

/** keystone exception.UserDisabled. */
export class UserDisabled extends Unauthorized {
  constructor(userId: string, options?: ErrorOptions) {
    super(`The account is disabled for user: ${userId}.`, options)
  }
}

/**
 * keystone exception.InsufficientAuthMethods: the user's multi-factor rules are not met (401).
 * Keystone answers with an auth receipt instead of the error body: `receipt` carries it (the
 * `Openstack-Auth-Receipt` header value and the body), and the token route renders it.
 */
export class InsufficientAuthMethods extends Unauthorized {
  readonly receipt: { readonly id: string; readonly body: object } | undefined
  constructor(
    userId: string,
    methods: readonly string[],
    options?: ErrorOptions & { receipt?: { readonly id: string; readonly body: object } },
  ) {
    super(
      `Insufficient auth methods received for ${userId}. Auth Methods Provided: ` +
        `[${methods.join(',')}].`,
      options,
    )
    this.receipt = options?.receipt
  }
}

/**
 * keystone exception.ReceiptNotFound (401): an `Openstack-Auth-Receipt` that does not decrypt,
 * has expired or names another user. Keystone's message echoes the receipt; Baton's does not.
 */
export class ReceiptNotFound extends Unauthorized {
  static override readonly defaultMessage: string = 'Could not find auth receipt.'
}
