/**
 * The client's error registry (keystoneauth1.exceptions in spirit): every error extends
 * `ClientError` and carries a stable `BATON_CLIENT_*` code. HTTP answers of 400 and above become
 * `HttpError` or its status-specific subclass. No message or body ever contains a token, password
 * or secret: the session scrubs every credential value it sent before building one.
 * @module
 */
import { BatonError } from '@baton/config'

export const ClientErrorCode = Object.freeze({
  Http: 'BATON_CLIENT_HTTP',
  BadRequest: 'BATON_CLIENT_BAD_REQUEST',
  Unauthorized: 'BATON_CLIENT_UNAUTHORIZED',
  Forbidden: 'BATON_CLIENT_FORBIDDEN',
  NotFound: 'BATON_CLIENT_NOT_FOUND',
  MethodNotAllowed: 'BATON_CLIENT_METHOD_NOT_ALLOWED',
  Conflict: 'BATON_CLIENT_CONFLICT',
  PayloadTooLarge: 'BATON_CLIENT_PAYLOAD_TOO_LARGE',
  InternalServerError: 'BATON_CLIENT_INTERNAL_SERVER_ERROR',
  BadGateway: 'BATON_CLIENT_BAD_GATEWAY',
  ServiceUnavailable: 'BATON_CLIENT_SERVICE_UNAVAILABLE',
  GatewayTimeout: 'BATON_CLIENT_GATEWAY_TIMEOUT',
  ConnectFailure: 'BATON_CLIENT_CONNECT_FAILURE',
  SslError: 'BATON_CLIENT_SSL',
  RequestTimeout: 'BATON_CLIENT_REQUEST_TIMEOUT',
  EndpointNotFound: 'BATON_CLIENT_ENDPOINT_NOT_FOUND',
  AuthorizationFailure: 'BATON_CLIENT_AUTHORIZATION_FAILURE',
  DiscoveryFailure: 'BATON_CLIENT_DISCOVERY_FAILURE',
  InvalidTokenBody: 'BATON_CLIENT_INVALID_TOKEN_BODY',
  InvalidResponse: 'BATON_CLIENT_INVALID_RESPONSE',
  Configuration: 'BATON_CLIENT_CONFIGURATION',
} as const)
export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode]

/** The package's base: each subclass names its code once, as `static code`. */
export class ClientError extends BatonError {
  declare readonly code: ClientErrorCode
}

/** What an `HttpError` is built from; `body` is already scrubbed of credentials. */
export type HttpErrorDetails = {
  readonly status: number
  readonly method: string
  readonly url: string
  readonly body: string
}

/** An HTTP answer >= 400 (keystoneauth `HttpError`); subclasses name the common statuses. */
export class HttpError extends ClientError {
  static override readonly code: ClientErrorCode = ClientErrorCode.Http
  readonly status: number
  readonly method: string
  readonly url: string
  /** The response body, with every credential the request carried replaced by `***`. */
  readonly body: string

  constructor(d: HttpErrorDetails) {
    super(`${d.method} ${d.url} answered ${d.status}${describeBody(d.body)}`)
    this.status = d.status
    this.method = d.method
    this.url = d.url
    this.body = d.body
  }
}

export class BadRequest extends HttpError {
  static override readonly code: ClientErrorCode = ClientErrorCode.BadRequest
}
export class Unauthorized extends HttpError {
  static override readonly code: ClientErrorCode = ClientErrorCode.Unauthorized
}
export class Forbidden extends HttpError {
  static override readonly code: ClientErrorCode = ClientErrorCode.Forbidden
}
export class NotFound extends HttpError {
  static override readonly code: ClientErrorCode = ClientErrorCode.NotFound
}
export class MethodNotAllowed extends HttpError {
  static override readonly code: ClientErrorCode = ClientErrorCode.MethodNotAllowed
}
export class Conflict extends HttpError {
  static override readonly code: ClientErrorCode = ClientErrorCode.Conflict
}
export class PayloadTooLarge extends HttpError {
  static override readonly code: ClientErrorCode = ClientErrorCode.PayloadTooLarge
}
export class InternalServerError extends HttpError {
  static override readonly code: ClientErrorCode = ClientErrorCode.InternalServerError
}
export class BadGateway extends HttpError {
  static override readonly code: ClientErrorCode = ClientErrorCode.BadGateway
}
export class ServiceUnavailable extends HttpError {
  static override readonly code: ClientErrorCode = ClientErrorCode.ServiceUnavailable
}
export class GatewayTimeout extends HttpError {
  static override readonly code: ClientErrorCode = ClientErrorCode.GatewayTimeout
}

const BY_STATUS: Readonly<Record<number, new (d: HttpErrorDetails) => HttpError>> = {
  400: BadRequest,
  401: Unauthorized,
  403: Forbidden,
  404: NotFound,
  405: MethodNotAllowed,
  409: Conflict,
  413: PayloadTooLarge,
  500: InternalServerError,
  502: BadGateway,
  503: ServiceUnavailable,
  504: GatewayTimeout,
}

/** keystoneauth `exceptions.from_response`: the most specific class for the status. */
export function httpErrorFor(d: HttpErrorDetails): HttpError {
  const Specific = BY_STATUS[d.status]
  return Specific === undefined ? new HttpError(d) : new Specific(d)
}

/** Keystone's `{"error": {"message"}}` when the body has one, else nothing (bodies can be big). */
function describeBody(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body)
    if (typeof parsed === 'object' && parsed !== null && 'error' in parsed) {
      const error = parsed.error
      if (typeof error === 'object' && error !== null && 'message' in error) {
        if (typeof error.message === 'string') return `: ${error.message}`
      }
    }
  } catch {
    // not JSON: the status says enough
  }
  return ''
}

/** Could not connect (refused, reset, DNS, hang-up) after every allowed retry. */
export class ConnectFailure extends ClientError {
  static override readonly code: ClientErrorCode = ClientErrorCode.ConnectFailure
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
  }
}

/**
 * The TLS handshake failed (keystoneauth `SSLError`, a connection error too): the server's
 * certificate was not trusted, not for this host, expired, or the server wanted a client
 * certificate. Never retried: the same handshake fails the same way. `reason` is OpenSSL's
 * (`unable to verify the first certificate`), `url` the origin asked.
 */
export class SslError extends ConnectFailure {
  static override readonly code: ClientErrorCode = ClientErrorCode.SslError
  readonly url: string
  readonly reason: string
  constructor(url: string, reason: string, message: string, options?: ErrorOptions) {
    super(message, options)
    this.url = url
    this.reason = reason
  }
}

/** No complete answer within the timeout; never retried, the request may have been processed. */
export class RequestTimeout extends ClientError {
  static override readonly code: ClientErrorCode = ClientErrorCode.RequestTimeout
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
  }
}

/** No catalog entry (or override) gives a base URL for a relative request. */
export class EndpointNotFound extends ClientError {
  static override readonly code: ClientErrorCode = ClientErrorCode.EndpointNotFound
  constructor(message: string) {
    super(message)
  }
}

/** keystoneauth's "No valid authentication is available": the plugin had no headers to give. */
export class AuthorizationFailure extends ClientError {
  static override readonly code: ClientErrorCode = ClientErrorCode.AuthorizationFailure
  constructor(message = 'No valid authentication is available') {
    super(message)
  }
}

/** The auth_url's version document offers no usable v3 endpoint. */
export class DiscoveryFailure extends ClientError {
  static override readonly code: ClientErrorCode = ClientErrorCode.DiscoveryFailure
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
  }
}

/** A token response is not a v3 token document (or lacks X-Subject-Token). */
export class InvalidTokenBody extends ClientError {
  static override readonly code: ClientErrorCode = ClientErrorCode.InvalidTokenBody
  constructor(message: string) {
    super(message)
  }
}

/** A response body that should be JSON is not. */
export class InvalidResponse extends ClientError {
  static override readonly code: ClientErrorCode = ClientErrorCode.InvalidResponse
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
  }
}

/** Options that cannot work; thrown at construction or start-up, naming the option. */
export class ConfigurationError extends ClientError {
  static override readonly code: ClientErrorCode = ClientErrorCode.Configuration
  constructor(message: string) {
    super(message)
  }
}
