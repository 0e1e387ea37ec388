/**
 * Errors of the HTTP layer beside Keystone's own: body and header limits, deadlines, 405s, start-up
 * and a busy database.
 * Part of the identity error registry (../errors.ts).
 * @module
 */
import { IdentityErrorCode, KeystoneError, UnexpectedError } from './keystone_error.ts'

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
