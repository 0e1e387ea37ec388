/**
 * Errors of the resource APIs and the store's entities: which reference was missing, and
 * Keystone's validation and policy refusals built from their arguments.
 * Part of the identity error registry (../errors.ts).
 * @module
 */
import { Forbidden, NotFound, UnexpectedError, ValidationError } from './keystone_error.ts'

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
/** Baton: `/v3/OS-BATON/delegations/{id}` names no delegation (or one the caller may not see). */
export class DelegationNotFound extends NotFound {}

/** keystone ValidationError(attribute=, target=): "Expecting to find X in Y. The server could..." */
export function expectingToFind(attribute: string, target: string): ValidationError {
  return new ValidationError(
    `Expecting to find ${attribute} in ${target}. ${ValidationError.defaultMessage}`,
  )
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
