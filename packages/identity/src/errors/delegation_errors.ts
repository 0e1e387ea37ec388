/**
 * Baton: refusals of `/v3/OS-BATON/delegations` and `/v3/OS-BATON/token-exchange`. Each is a
 * Keystone Forbidden (403, Keystone's body), as Keystone refuses a trust that would widen what its
 * redelegated trust grants; each also names the RFC 8693 / RFC 6749 error the token-exchange front
 * door answers instead (400 with `{"error", "error_description"}`).
 * Part of the identity error registry (../errors.ts).
 * @module
 */
import { Forbidden, IdentityErrorCode } from './keystone_error.ts'

/** RFC 8693 section 2.2.2 and RFC 6749 section 5.2 error codes a refusal maps to. */
export type OAuthErrorCode = 'invalid_request' | 'invalid_target' | 'invalid_scope'

export class DelegationRefused extends Forbidden {
  static override readonly code: IdentityErrorCode = IdentityErrorCode.DelegationRefused
  readonly oauthError: OAuthErrorCode
  constructor(message: string, oauthError: OAuthErrorCode = 'invalid_request') {
    super(`You are not authorized to perform the requested action: ${message}`)
    this.oauthError = oauthError
  }
}

/** A hop asked for a service type its parent's audience does not name. */
export function audienceWidened(extra: readonly string[]): DelegationRefused {
  return new DelegationRefused(
    `the audience may only narrow: ${extra.join(', ')} not in the parent delegation's audience.`,
    'invalid_target',
  )
}

/** Roles the user (or the parent delegation) does not hold. */
export function roleEscalation(names: readonly string[]): DelegationRefused {
  return new DelegationRefused(
    `roles not held by the delegating token: ${names.join(', ')}.`,
    'invalid_scope',
  )
}

/** A deadline not after now (a parent in its last second): nothing left to delegate. */
export function noTimeLeft(): DelegationRefused {
  return new DelegationRefused("no time is left before the parent delegation's deadline.")
}
