/**
 * The reference services' error registry. Handlers throw; `service_app.ts` renders in one place, in
 * the body shape the real service uses (Nova/Cinder: `{"itemNotFound": {"code", "message"}}`).
 * @module
 */
import { BatonError } from '@baton/config'

export const CloudErrorCode = Object.freeze({
  BadRequest: 'BATON_CLOUD_BAD_REQUEST',
  Unauthorized: 'BATON_CLOUD_UNAUTHORIZED',
  Forbidden: 'BATON_CLOUD_FORBIDDEN',
  NotFound: 'BATON_CLOUD_NOT_FOUND',
  Conflict: 'BATON_CLOUD_CONFLICT',
  TooLarge: 'BATON_CLOUD_TOO_LARGE',
  Upstream: 'BATON_CLOUD_UPSTREAM',
  Config: 'BATON_CLOUD_CONFIG',
} as const)
export type CloudErrorCode = (typeof CloudErrorCode)[keyof typeof CloudErrorCode]

/**
 * The package's base, a `BatonError`. It takes code, status and fault per instance because the
 * object and image APIs answer statuses (405, 410, 411, 412, 415, 422) that need no class of their own.
 */
export class CloudError extends BatonError {
  declare readonly code: CloudErrorCode
  readonly status: number
  /** Nova/Cinder's fault key for this status. */
  readonly fault: string
  constructor(
    code: CloudErrorCode,
    status: number,
    fault: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options)
    this.code = code
    this.status = status
    this.fault = fault
  }
}

export class BadRequest extends CloudError {
  constructor(message: string) {
    super(CloudErrorCode.BadRequest, 400, 'badRequest', message)
  }
}
/** A guarded route reached with no confirmed user token (`delay_auth_decision = true`). */
export class Unauthorized extends CloudError {
  constructor(message: string) {
    super(CloudErrorCode.Unauthorized, 401, 'unauthorized', message)
  }
}
export class Forbidden extends CloudError {
  constructor(message: string) {
    super(CloudErrorCode.Forbidden, 403, 'forbidden', message)
  }
}
export class NotFound extends CloudError {
  constructor(message: string) {
    super(CloudErrorCode.NotFound, 404, 'itemNotFound', message)
  }
}
export class Conflict extends CloudError {
  constructor(message: string) {
    super(CloudErrorCode.Conflict, 409, 'conflictingRequest', message)
  }
}
export class TooLarge extends CloudError {
  constructor(message: string) {
    super(CloudErrorCode.TooLarge, 413, 'overLimit', message)
  }
}
/** A call to the next service in the chain failed; the message names the hop and the reason. */
export class UpstreamFailure extends CloudError {
  constructor(message: string, options?: ErrorOptions) {
    super(CloudErrorCode.Upstream, 502, 'computeFault', message, options)
  }
}
export class CloudConfigError extends CloudError {
  constructor(message: string, options?: ErrorOptions) {
    super(CloudErrorCode.Config, 500, 'computeFault', message, options)
  }
}
