/**
 * The root of the identity error registry (../errors.ts): the stable codes, `KeystoneError` and
 * Keystone's HTTP classes (400, 401, 403, 404, 409, 500), the store's start-up errors, and the one
 * error body. The area modules beside it extend these.
 * @module
 */

import { BatonError } from '@baton/config'

export const IdentityErrorCode = {
  StoreConfig: 'BATON_STORE_CONFIG',
  MigrationFailed: 'BATON_MIGRATION_FAILED',
  KeystoneImport: 'BATON_KEYSTONE_IMPORT',
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
  DelegationRefused: 'BATON_DELEGATION_REFUSED',
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

/** `baton db import-keystone` refused its source or target; nothing was written. */
export class KeystoneImportError extends BatonError {
  static override readonly code: IdentityErrorCode = IdentityErrorCode.KeystoneImport
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
