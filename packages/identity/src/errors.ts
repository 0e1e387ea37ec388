/**
 * The identity error registry: every error the identity package throws is a `KeystoneError`
 * subclass carrying Keystone's HTTP status and title and a stable Baton code. The HTTP layer renders
 * `{"error": {"code", "title", "message"}}` from it in one place (`keystoneErrorBody`); handlers
 * only throw. Messages never contain tokens, passwords or keys.
 *
 * To add an error: subclass the nearest Keystone class (keystone/exception.py) and give it a `code`
 * in `IdentityErrorCode`; status and title are inherited unless Keystone's class changes them.
 * @module
 */
import { BatonError } from '@baton/config'

export const IdentityErrorCode = {
  StoreConfig: 'BATON_STORE_CONFIG',
  MigrationFailed: 'BATON_MIGRATION_FAILED',
  Unexpected: 'BATON_UNEXPECTED',
  KeysNotFound: 'BATON_KEYS_NOT_FOUND',
  TokenPayloadInvalid: 'BATON_TOKEN_PAYLOAD_INVALID',
  Validation: 'BATON_VALIDATION',
  Unauthorized: 'BATON_UNAUTHORIZED',
  Forbidden: 'BATON_FORBIDDEN',
  NotFound: 'BATON_NOT_FOUND',
  TokenNotFound: 'BATON_TOKEN_NOT_FOUND',
  Conflict: 'BATON_CONFLICT',
  RequestTooLarge: 'BATON_REQUEST_TOO_LARGE',
  RequestTimeout: 'BATON_REQUEST_TIMEOUT',
  HeadersTooLarge: 'BATON_HEADERS_TOO_LARGE',
  ServerNotReady: 'BATON_SERVER_NOT_READY',
  MethodNotAllowed: 'BATON_METHOD_NOT_ALLOWED',
  DatabaseBusy: 'BATON_DATABASE_BUSY',
} as const

export type IdentityErrorCode = (typeof IdentityErrorCode)[keyof typeof IdentityErrorCode]

/**
 * Base of the registry (keystone exception.Error), a `BatonError`. Subclasses override the static
 * fields; `code` and `name` come from `BatonError`, status and title are rendered here only.
 */
export class KeystoneError extends BatonError {
  static readonly status: number = 500
  static readonly title: string = 'Internal Server Error'
  static override readonly code: IdentityErrorCode = IdentityErrorCode.Unexpected
  /** Keystone's default message for the class (its `message_format` without arguments). */
  static readonly defaultMessage: string =
    'An unexpected error prevented the server from fulfilling your request.'

  readonly status: number
  readonly title: string
  declare readonly code: IdentityErrorCode

  constructor(message?: string, options?: ErrorOptions) {
    const cls = new.target as typeof KeystoneError
    super(message ?? cls.defaultMessage, options)
    this.status = cls.status
    this.title = cls.title
  }
}

/** keystone exception.UnexpectedError: 500, details stay in `cause` and logs. */
export class UnexpectedError extends KeystoneError {}

/** keystone exception.KeysNotFound: the key repository yielded no usable key (500). */
export class KeysNotFound extends UnexpectedError {
  static override readonly code: IdentityErrorCode = IdentityErrorCode.KeysNotFound
}

/**
 * Token fields that no Keystone could pack (a non-UUID trust ID, a non-default non-UUID domain
 * in a domain-scoped token...). Keystone raises an uncaught ValueError there, so this is a 500.
 */
export class TokenPayloadError extends UnexpectedError {
  static override readonly code: IdentityErrorCode = IdentityErrorCode.TokenPayloadInvalid
}

/** keystone exception.ValidationError (400). */
export class ValidationError extends KeystoneError {
  static override readonly status: number = 400
  static override readonly title: string = 'Bad Request'
  static override readonly code: IdentityErrorCode = IdentityErrorCode.Validation
  static override readonly defaultMessage: string =
    'The server could not comply with the request since it is either malformed or otherwise ' +
    'incorrect. The client is assumed to be in error.'
}

/** keystone exception.Unauthorized (401). */
export class Unauthorized extends KeystoneError {
  static override readonly status: number = 401
  static override readonly title: string = 'Unauthorized'
  static override readonly code: IdentityErrorCode = IdentityErrorCode.Unauthorized
  static override readonly defaultMessage: string =
    'The request you have made requires authentication.'
}

/** keystone exception.Forbidden (403). */
export class Forbidden extends KeystoneError {
  static override readonly status: number = 403
  static override readonly title: string = 'Forbidden'
  static override readonly code: IdentityErrorCode = IdentityErrorCode.Forbidden
  static override readonly defaultMessage: string =
    'You are not authorized to perform the requested action.'
}

/** keystone exception.NotFound (404). */
export class NotFound extends KeystoneError {
  static override readonly status: number = 404
  static override readonly title: string = 'Not Found'
  static override readonly code: IdentityErrorCode = IdentityErrorCode.NotFound
  static override readonly defaultMessage: string = 'Could not find the requested resource.'
}

/**
 * keystone exception.TokenNotFound (404). The fernet provider re-raises the formatter's
 * ValidationError as TokenNotFound(e), so the client sees the formatter's message
 * ("Could not recognize Fernet token", "This is not a recognized Fernet payload version: N").
 */
export class TokenNotFound extends NotFound {
  static override readonly code: IdentityErrorCode = IdentityErrorCode.TokenNotFound
  static override readonly defaultMessage: string = 'Could not find token.'
}

/** keystone exception.Conflict (409). */
export class Conflict extends KeystoneError {
  static override readonly status: number = 409
  static override readonly title: string = 'Conflict'
  static override readonly code: IdentityErrorCode = IdentityErrorCode.Conflict
  static override readonly defaultMessage: string = 'Conflict occurred attempting to store data.'
}

/*
 * Start-up failures of the store: they stop `baton db_sync` or the server before any request, so
 * they are `BatonError`s without an HTTP rendering.
 */

/** A `[database] connection` that cannot work (not a URL, an unopenable SQLite file). */
export class StoreConfigError extends BatonError {
  static override readonly code: IdentityErrorCode = IdentityErrorCode.StoreConfig
}

/** A schema migration failed; its transaction rolled back, the cause is the driver's error. */
export class MigrationFailedError extends BatonError {
  static override readonly code: IdentityErrorCode = IdentityErrorCode.MigrationFailed
}

/**
 * Keystone's error document. 5xx keep their detail out of the body (keystone SecurityError): they
 * say their class's fixed message, never the instance's.
 */
export function keystoneErrorBody(error: KeystoneError): {
  error: { code: number; title: string; message: string }
} {
  const message =
    error.status >= 500 ? (error.constructor as typeof KeystoneError).defaultMessage : error.message
  return { error: { code: error.status, title: error.title, message } }
}

/*
 * Entity-specific NotFound classes (keystone exception.<Entity>NotFound), thrown by the SQL store
 * so callers can tell which reference was missing (an unknown domain is a 400 for project create
 * but a 404 for user create). Messages: `Could not find <entity>: <id>.`
 */
export class DomainNotFound extends NotFound {}
export class ProjectNotFound extends NotFound {}
export class UserNotFound extends NotFound {}
export class GroupNotFound extends NotFound {}
export class RoleNotFound extends NotFound {}
export class ImpliedRoleNotFound extends NotFound {}
export class RoleAssignmentNotFound extends NotFound {}
export class ServiceNotFound extends NotFound {}
export class EndpointNotFound extends NotFound {}
export class EndpointGroupNotFound extends NotFound {}
export class DomainConfigNotFound extends NotFound {}
/** keystone exception.InvalidDomainConfig: a Forbidden (403). */
export class InvalidDomainConfig extends Forbidden {}
export class RegionNotFound extends NotFound {}
export class ApplicationCredentialNotFound extends NotFound {}
export class CredentialNotFound extends NotFound {}
export class RegisteredLimitNotFound extends NotFound {}
export class LimitNotFound extends NotFound {}
export class PolicyNotFound extends NotFound {}
export class TrustNotFound extends NotFound {}

/** keystone exception.TrustUseLimitReached (403): "No remaining uses for trust: <id>." */
export class TrustUseLimitReached extends Forbidden {}
export class AccessRuleNotFound extends NotFound {}

/*
 * Password hashing (packages/identity/src/passwords). They reuse the Forbidden and Unexpected
 * codes; dedicated codes would go in IdentityErrorCode.
 */

/**
 * keystone exception.PasswordVerificationError (ForbiddenNotSecurity, 403): a password longer
 * than the limit while `[DEFAULT] strict_password_check` is on, when hashing and when verifying.
 */
export class PasswordVerificationError extends Forbidden {
  constructor(size: number, options?: ErrorOptions) {
    super(
      `The password length must be less than or equal to ${size}. The server could not comply ` +
        'with the request because the password is invalid.',
      options,
    )
  }
}

/** A stored password hash that is unknown or malformed; Keystone raises ValueError there (500). */
export class PasswordHashFormatError extends UnexpectedError {}

/** Password hashing settings passlib would refuse (unknown algorithm, rounds out of range): 500. */
export class PasswordHashConfigError extends UnexpectedError {}

/** keystone ValidationError(attribute=, target=): "Expecting to find X in Y. The server could..." */
export function expectingToFind(attribute: string, target: string): ValidationError {
  return new ValidationError(
    `Expecting to find ${attribute} in ${target}. ${ValidationError.defaultMessage}`,
  )
}

/** keystone exception.RequestTooLarge (413): oslo sizelimit refuses bodies over max_request_body_size. */
export class RequestTooLarge extends KeystoneError {
  static override readonly status: number = 413
  static override readonly title: string = 'Request Entity Too Large'
  static override readonly code: IdentityErrorCode = IdentityErrorCode.RequestTooLarge
  static override readonly defaultMessage: string = 'Request is too large.'
}

/**
 * 408: the request (headers, or a body below the rate floor) did not arrive within `[http_server]`
 * limits. Keystone's web server (Apache mod_reqtimeout, uwsgi) answers this before Keystone runs.
 */
export class RequestTimeout extends KeystoneError {
  static override readonly status: number = 408
  static override readonly title: string = 'Request Timeout'
  static override readonly code: IdentityErrorCode = IdentityErrorCode.RequestTimeout
  static override readonly defaultMessage: string =
    'The request was not received in time (see [http_server] in the server configuration).'
}

/** 431: the request's headers (a 16 KB token, say) exceed node's header size limit. */
export class HeadersTooLarge extends KeystoneError {
  static override readonly status: number = 431
  static override readonly title: string = 'Request Header Fields Too Large'
  static override readonly code: IdentityErrorCode = IdentityErrorCode.HeadersTooLarge
  static override readonly defaultMessage: string =
    'The request headers are too large (a token header over 16 KB, for one).'
}

/** werkzeug MethodNotAllowed (405), e.g. GET /v3/users/{id}/password. */
export class MethodNotAllowed extends KeystoneError {
  static override readonly status: number = 405
  static override readonly title: string = 'Method Not Allowed'
  static override readonly code: IdentityErrorCode = IdentityErrorCode.MethodNotAllowed
  static override readonly defaultMessage: string =
    'The method is not allowed for the requested URL.'
}

/**
 * The server refuses to start: the schema is behind or ahead, the key repository is missing...
 * The message is one actionable line for the operator.
 */
export class ServerNotReady extends UnexpectedError {
  static override readonly code: IdentityErrorCode = IdentityErrorCode.ServerNotReady
}

/**
 * The database could not grant a lock in time: SQLite's busy_timeout ran out while other processes
 * wrote, or PostgreSQL gave up on a deadlock or a serialization conflict. Nothing was written; the
 * request can be retried (the HTTP layer adds `Retry-After`). Keystone has no such class: its
 * database errors are 500s; Baton answers 503 so that clients and load balancers retry.
 */
export class DatabaseBusy extends KeystoneError {
  static override readonly status: number = 503
  static override readonly title: string = 'Service Unavailable'
  static override readonly code: IdentityErrorCode = IdentityErrorCode.DatabaseBusy
  static override readonly defaultMessage: string =
    'The identity database is busy with other writes. Retry the request.'
}

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

/** keystone exception.CredentialEncryptionError (500): a blob no credential key opens. */
export class CredentialEncryptionError extends UnexpectedError {
  static override readonly defaultMessage: string =
    'An unexpected error prevented the server from accessing encrypted credentials.'
}

/** keystone exception.CredentialLimitExceeded (403): `[credential] user_limit` reached. */
export class CredentialLimitExceeded extends Forbidden {
  constructor(limit: number) {
    super(`Unable to create additional credentials, maximum of ${limit} already exceeded for user.`)
  }
}

/** keystone exception.ForbiddenAction: "You are not authorized to perform the requested action: X." */
export function forbiddenAction(action: string): Forbidden {
  return new Forbidden(`You are not authorized to perform the requested action: ${action}.`)
}
