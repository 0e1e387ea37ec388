/**
 * The body of `POST /v3/OS-BATON/delegations` (`{"delegation": {...}}`) and its RFC 8693 twin's
 * parameters, checked with Keystone's schema validator (400 with jsonschema's message, the first
 * failure wins) and turned into a `DelegationRequest`. Unknown members are refused: a client that
 * believes it asked for a restriction the server does not know must hear so.
 * @module
 */
import { type Schema, validate } from '../resources/schema_validator.ts'

export interface DelegationRequest {
  /** Required for a delegation made from a user token; a narrowing may omit it (inherited). */
  readonly operation?: string | undefined
  /** Service types; a narrowing may omit it (inherited). */
  readonly audience?: readonly string[] | undefined
  /** Seconds from now. */
  readonly expiresIn?: number | undefined
  /** Role names; omitted: every role of the parent. */
  readonly roles?: readonly string[] | undefined
}

/** Printable ASCII without spaces: `compute:boot:<server id>`. */
export const OPERATION_PATTERN = '^[!-~]{1,255}$'
/** A catalog service type: `volumev3`, `object-store`, `block-storage`. */
export const SERVICE_TYPE_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$'
/** The most roles a request may name (role names are unique per domain; a sane bound). */
export const MAX_ROLES = 64

export function delegationSchema(maxAudience: number): Schema {
  return {
    type: 'object',
    properties: {
      operation: { type: 'string', pattern: OPERATION_PATTERN },
      audience: {
        type: 'array',
        items: { type: 'string', pattern: SERVICE_TYPE_PATTERN },
        minItems: 1,
        maxItems: maxAudience,
        uniqueItems: true,
      },
      expires_in: { type: 'integer', minimum: 1 },
      roles: {
        type: 'array',
        items: { type: 'string', minLength: 1, maxLength: 255 },
        maxItems: MAX_ROLES,
        uniqueItems: true,
      },
    },
    additionalProperties: false,
  }
}

/** @throws ValidationError (400) */
export function parseDelegationRequest(body: unknown, maxAudience: number): DelegationRequest {
  validate(delegationSchema(maxAudience), body)
  const b = body as {
    operation?: string
    audience?: string[]
    expires_in?: number
    roles?: string[]
  }
  return {
    operation: b.operation,
    audience: b.audience,
    expiresIn: b.expires_in,
    roles: b.roles,
  }
}
