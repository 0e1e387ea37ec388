/**
 * keystone's `validate_token`, one small function per step, in its order:
 *   decode -> mint -> expiry (with the allow_expired window) -> revoked -> user still enabled;
 * a trust-scoped token's trust must also not have expired (checked with the service's clock on
 * every call, so a cached mint cannot outlive it); a delegation token (Baton) must be before its
 * deadline, which `allow_expired` never widens (`expiryWindowMs`), and neither it nor an ancestor
 * revoked (`checkDelegationLive`); its actors must still be enabled (`checkUserEnabled`).
 * Rendering follows in the service. `TokenReads.resolve` runs the first two (and prepares the
 * revocation verdict); the token service runs the rest on every call, cached or not.
 * @module
 */
import type { EpochMs } from '@baton/config'
import { TokenNotFound, TrustNotFound, UserDisabled } from '../../errors.ts'
import type { Store } from '../../store/index.ts'
import { scopeOfPayload } from '../../token/payloads.ts'
import type { DecodedToken } from '../../token/token_fields.ts'
import { mintToken, unsupportedTokenKind } from './mint.ts'
import { DEFAULT_TRUST_MINT, type TrustMintSettings } from './mint_trust.ts'
import type { MintFields, TokenModel } from './token_model.ts'
import { keystoneTimeMs } from './token_time.ts'

/** The slice of `TokenFormatter` decoding needs. */
export interface TokenDecoder {
  validateToken(token: string): DecodedToken
}

const FAILED = 'Failed to validate token'

/**
 * Decrypt and unpack, then keystone's `Manager._validate_token` unpacking of the provider's tuple:
 * the last audit ID is the parent (the chain's), the one before it the token's own. Times leave
 * the wire's strings here and are milliseconds from now on.
 */
export function decode(codec: TokenDecoder, token: string): MintFields {
  return mintFieldsOf(codec.validateToken(token))
}

export function mintFieldsOf(decoded: DecodedToken): MintFields {
  const scope = scopeOfPayload(decoded)
  if (decoded.federatedGroupIds !== null) throw unsupportedTokenKind('federated')
  if (decoded.thumbprint !== null) throw unsupportedTokenKind('OAuth2 mTLS')
  const auditIds = [...decoded.auditIds]
  const parentAuditId = auditIds.length > 1 ? (auditIds.pop() ?? null) : null
  const auditId = auditIds.pop()
  if (auditId === undefined) throw unsupportedTokenKind('audit-less')
  return {
    userId: decoded.userId,
    methods: decoded.methods,
    auditId,
    parentAuditId,
    scope,
    appCredId: decoded.appCredId,
    accessTokenId: decoded.accessTokenId,
    expiresAt: keystoneTimeMs(decoded.expiresAt),
    issuedAt: keystoneTimeMs(decoded.issuedAt),
  }
}

/** keystone `TokenModel.mint()`: see mint.ts. */
export function mint(
  store: Store,
  fields: MintFields,
  trust: TrustMintSettings = DEFAULT_TRUST_MINT,
): Promise<TokenModel> {
  return mintToken(store, fields, trust)
}

/** keystone `get_trust` at validation: an expired trust is TrustNotFound (404), as Keystone. */
export function checkTrustLive(model: TokenModel, now: EpochMs): void {
  const trust = model.trust?.trust
  if (trust?.expiresAt != null && now * 1000 > trust.expiresAt) {
    throw new TrustNotFound(`Could not find trust: ${trust.id}.`)
  }
}

/**
 * The allow_expired window that applies to a token: none for a delegation (its expiry is the job's
 * deadline, which no vouching service may extend: that is the point of a delegation).
 */
export function expiryWindowMs(model: TokenModel, windowMs: number): number {
  return model.scope.kind === 'delegation' ? 0 : windowMs
}

/**
 * Baton: a delegation token stops at its deadline and when it or any ancestor was revoked
 * (`DELETE /v3/OS-BATON/delegations/{id}`, or the root user token's revocation, which marks
 * every delegation made from it). A cached model is as current as its store generation, and
 * revoking writes the delegation table, which moves the generation.
 */
export function checkDelegationLive(model: TokenModel, now: EpochMs): void {
  const d = model.delegation
  if (!d) return
  if (!(now < d.delegation.expiresAt / 1000)) throw new TokenNotFound(FAILED)
  if (d.delegation.revoked || d.ancestors.some((a) => a.revoked)) {
    throw new TokenNotFound(FAILED)
  }
}

/** keystone `_is_valid_token`: `current_time < expiry`, strictly, widened by allow_expired. */
export function checkExpiry(model: TokenModel, now: EpochMs, windowMs: number): void {
  if (!(now < model.expiresAt + windowMs)) throw new TokenNotFound(FAILED)
}

/** Checked only for a token not expired (Keystone's order). */
export function checkNotRevoked(revoked: boolean): void {
  if (revoked) throw new TokenNotFound(FAILED)
}

/**
 * The user still enabled (upstream bug 2122615; not in Keystone 22): a disable that recorded no
 * revocation event (e.g. a read-only backend) still ends the token. A cached model's user is as
 * current as its generation.
 */
export function checkUserEnabled(model: TokenModel): void {
  if (!model.user.enabled) throw new UserDisabled(model.user.id)
  // a trust-scoped token: the trustor too (Keystone's mint says "Trustor is disabled.")
  const trustor = model.trust?.trustor
  if (trustor !== undefined && !trustor.enabled) throw new UserDisabled(trustor.id)
  // a delegation token (Baton): every service user of its actor chain
  for (const actor of model.delegation?.actorUsers ?? []) {
    if (!actor.enabled) throw new TokenNotFound(FAILED, { cause: new UserDisabled(actor.id) })
  }
}
