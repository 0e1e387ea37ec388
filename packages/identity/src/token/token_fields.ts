/**
 * A Fernet token's content at the wire: Keystone's flat payload fields, as `create_token` takes
 * them (`PayloadFields`) and `validate_token` returns them (`DecodedToken`), with camelCase
 * names; and `TokenFields`, what the server creates a token from, in the `Scope` vocabulary.
 * payloads.ts alone translates between a Scope and the flat fields, both ways.
 * @module
 */
import type { Scope } from '../scope.ts'

/** Payload versions 0-10, keystone token_formatters.py `_PAYLOAD_CLASSES` order. */
export type KeystonePayloadVersion = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10

/**
 * Baton-only payload versions. 64: a job-bound delegation (docs/delegation.md). Keystone's
 * versions count up from 0 (10 in 2024); 64 leaves it room. A Keystone sharing the key repository
 * decrypts such a token and answers "This is not a recognized Fernet payload version: 64" (404).
 */
export type BatonPayloadVersion = typeof DELEGATION_PAYLOAD_VERSION

export const DELEGATION_PAYLOAD_VERSION = 64

export type PayloadVersion = KeystonePayloadVersion | BatonPayloadVersion

/** What the server creates a token from: payloads.ts `payloadFieldsOf` flattens it. */
export interface TokenFields {
  readonly userId: string
  readonly methods: readonly string[]
  readonly expiresAt: Date
  /** `[audit_id]` or `[audit_id, parent_audit_id]`. */
  readonly auditIds: readonly string[]
  readonly scope: Scope
  /** A fact beside a project scope, not a scope kind. */
  readonly appCredId: string | null
  /** An OAuth1 access token (payload version 7): a fact beside a project scope. */
  readonly accessTokenId?: string | null | undefined
}

/**
 * What keystone's fernet Provider passes to `create_token` (its TokenModel, flattened): every
 * combination Keystone's formatter packs, so the golden tests can replay Keystone's own.
 */
export interface PayloadFields {
  readonly userId: string
  /** Auth method names; only configured ones (and the pseudo methods) survive in the token. */
  readonly methods: readonly string[]
  /** ISO 8601 (naive = UTC), as the token model holds it, or a Date. */
  readonly expiresAt: string | Date
  /** `[audit_id]` or `[audit_id, parent_audit_id]`: 22-character URL-safe base64 of 16 bytes. */
  readonly auditIds: readonly string[]
  readonly system?: string | null | undefined
  readonly domainId?: string | null | undefined
  readonly projectId?: string | null | undefined
  readonly trustId?: string | null | undefined
  /** Set (even to []) exactly for federated tokens: it is what marks a token federated. */
  readonly federatedGroupIds?: readonly string[] | null | undefined
  readonly identityProviderId?: string | null | undefined
  readonly protocolId?: string | null | undefined
  readonly accessTokenId?: string | null | undefined
  readonly appCredId?: string | null | undefined
  /** OAuth2 mTLS: base64url(SHA-256(certificate PEM)), padded (payload version 10). */
  readonly thumbprint?: string | null | undefined
  /** Baton: a job-bound delegation's id (payload version 64, with projectId). */
  readonly delegationId?: string | null | undefined
}

/** A validated token; times are Keystone strings `YYYY-MM-DDTHH:MM:SS.000000Z`. */
export interface DecodedToken {
  readonly version: PayloadVersion
  readonly userId: string
  /** Highest bit first, as keystone decodes them. */
  readonly methods: readonly string[]
  readonly projectId: string | null
  readonly domainId: string | null
  readonly system: string | null
  readonly trustId: string | null
  readonly appCredId: string | null
  /** Keystone returns `[{'id': ...}]`; here the IDs. Non-null exactly for federated tokens. */
  readonly federatedGroupIds: readonly string[] | null
  readonly identityProviderId: string | null
  readonly protocolId: string | null
  readonly accessTokenId: string | null
  readonly thumbprint: string | null
  /** Baton payload version 64 only. */
  readonly delegationId: string | null
  /** `[audit_id]` or `[audit_id, parent_audit_id]`. */
  readonly auditIds: readonly string[]
  readonly expiresAt: string
  /** From the Fernet timestamp, never from the payload. */
  readonly issuedAt: string
}
