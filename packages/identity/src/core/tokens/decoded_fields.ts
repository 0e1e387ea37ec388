/**
 * From the formatter's `DecodedToken` to the fields `mintToken` takes, as keystone's
 * `Manager._validate_token` unpacks the provider's tuple: the last audit ID is the parent (the
 * chain's), the one before it the token's own.
 * @module
 */
import type { DecodedToken } from '../../token/token_fields.ts'
import { type MintFields, unsupportedTokenKind } from './mint.ts'

export function mintFieldsOf(decoded: DecodedToken): MintFields {
  if (decoded.trustId !== null) throw unsupportedTokenKind('trust-scoped')
  if (decoded.accessTokenId !== null) throw unsupportedTokenKind('OAuth1')
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
    projectId: decoded.projectId,
    domainId: decoded.domainId,
    system: decoded.system,
    appCredId: decoded.appCredId,
    expiresAt: decoded.expiresAt,
    issuedAt: decoded.issuedAt,
  }
}
