/**
 * Is a token revoked? keystone/models/revoke_model.py: `build_token_values` flattens the token,
 * the store's SQL pre-filter (`_list_token_events`) picks the candidate events, and `matches`
 * compares every field an event sets. Any match revokes the token.
 * @module
 */
import type { EpochMs } from '@baton/config'
import { scopeDomainId, scopeProjectId } from '../../scope.ts'
import type { RevocationEvent, RevocationRepository } from '../../store/index.ts'
import type { TokenModel } from './token_model.ts'

/** keystone `build_token_values` for the token kinds Baton issues. */
export interface TokenRevocationView {
  /** Microseconds, whole seconds (the Fernet timestamp). */
  readonly issuedAt: number
  /** Microseconds, truncated to the second as Keystone does. */
  readonly expiresAt: number
  readonly auditId: string
  readonly auditChainId: string | null
  readonly userId: string
  readonly identityDomainId: string
  readonly projectId: string | null
  /**
   * Keystone sets this to the project's domain and then overwrites it with the token's domain
   * scope, or None: so it is only ever set for domain-scoped tokens. Reproduced, since it decides
   * which `domain_id` events match.
   */
  readonly assignmentDomainId: string | null
  readonly roleIds: readonly string[]
  /** A trust-scoped token's trust and its two users, else null. */
  readonly trustId: string | null
  readonly trustorId: string | null
  readonly trusteeId: string | null
  /** An OAuth-scoped token's access token and its consumer, else null. */
  readonly consumerId: string | null
  readonly accessTokenId: string | null
}

export function revocationView(model: TokenModel): TokenRevocationView {
  const toMicros = (ms: EpochMs) => Math.floor(ms / 1000) * 1_000_000
  return {
    issuedAt: toMicros(model.issuedAt),
    expiresAt: toMicros(model.expiresAt),
    auditId: model.auditId,
    auditChainId: model.parentAuditId,
    userId: model.user.id,
    identityDomainId: model.userDomain.id,
    projectId: scopeProjectId(model.scope),
    assignmentDomainId: scopeDomainId(model.scope),
    roleIds: model.roles.map((role) => role.id),
    trustId: model.trust?.trust.id ?? null,
    trustorId: model.trust?.trustor.id ?? null,
    trusteeId: model.trust?.trustee.id ?? null,
    consumerId: model.accessToken?.consumerId ?? null,
    accessTokenId: model.accessToken?.id ?? null,
  }
}

/** keystone `matches`: every field the event sets must agree (access_token_id is not compared). */
export function eventMatches(event: RevocationEvent, token: TokenRevocationView): boolean {
  const domains = [token.identityDomainId, token.assignmentDomainId]
  if (event.domainId !== null && !domains.includes(event.domainId)) return false
  if (event.domainScopeId !== null && event.domainScopeId !== token.assignmentDomainId) {
    return false
  }
  if (event.expiresAt !== null && event.expiresAt !== token.expiresAt) return false
  if (event.trustId !== null && event.trustId !== token.trustId) return false
  if (event.consumerId !== null && event.consumerId !== token.consumerId) return false
  if (event.auditChainId !== null && event.auditChainId !== token.auditChainId) return false
  if (event.roleId !== null && !token.roleIds.includes(event.roleId)) return false
  // The SQL pre-filter already required these; checked again so a looser store stays correct.
  // (Keystone's SQL filter: the event's user is the token's user, trustor or trustee)
  const users = [token.userId, token.trustorId, token.trusteeId]
  if (event.userId !== null && !users.includes(event.userId)) return false
  if (event.projectId !== null && event.projectId !== token.projectId) return false
  if (event.auditId !== null && event.auditId !== token.auditId) return false
  return event.issuedBefore >= token.issuedAt
}

/**
 * Baton: the root user token a delegation was made from, as `build_token_values` would have seen
 * it (no roles: role events are matched against the delegation token itself). An event that
 * revokes the root (its audit id, its audit chain, its user or project before its issue) ends
 * the delegation: the delegation outlives the user token's expiry, never its revocation.
 */
export function rootRevocationView(model: TokenModel): TokenRevocationView | null {
  const d = model.delegation?.delegation
  if (!d) return null
  return {
    issuedAt: d.rootIssuedAt,
    expiresAt: d.rootExpiresAt,
    auditId: d.rootAuditId,
    auditChainId: d.rootAuditChainId === d.rootAuditId ? null : d.rootAuditChainId,
    userId: d.userId,
    identityDomainId: model.userDomain.id,
    projectId: d.projectId,
    assignmentDomainId: null,
    roleIds: [],
    trustId: null,
    trustorId: null,
    trusteeId: null,
    consumerId: null,
    accessTokenId: null,
  }
}

/** keystone `RevokeManager.check_token` minus the raise: one query, then `matches` per event. */
export async function isRevoked(
  revocation: RevocationRepository,
  model: TokenModel,
): Promise<boolean> {
  const root = rootRevocationView(model)
  if (root !== null && (await viewRevoked(revocation, root))) return true
  return viewRevoked(revocation, revocationView(model))
}

async function viewRevoked(
  revocation: RevocationRepository,
  view: TokenRevocationView,
): Promise<boolean> {
  const events = await revocation.listEventsFor({
    issuedAt: view.issuedAt,
    userId: view.userId,
    projectId: view.projectId,
    auditId: view.auditId,
    trustId: view.trustId,
    trustorId: view.trustorId,
    trusteeId: view.trusteeId,
  })
  return events.some((event) => eventMatches(event, view))
}
