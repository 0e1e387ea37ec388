/**
 * Revocation events written by resource changes (keystone-tokens notes §5.2, checked against
 * keystone/identity/core.py and keystone/revoke/core.py): a user event when a user is disabled,
 * gets a new password (admin reset or self-service), is removed from a group, is deleted, or
 * belonged to a deleted group that had role assignments; a project event when a project (or a
 * domain, through its project form) is deleted. Callers pass the transaction-bound store so the
 * event commits with the change or not at all. Role-assignment removals write no event: token
 * validation recomputes the roles.
 * @module
 */
import type { Micros, RevocationEvent, Store } from '../../store/index.ts'

export async function revokeUser(store: Store, userId: string): Promise<void> {
  await store.revocation.record({ userId })
}

export async function revokeProject(store: Store, projectId: string): Promise<void> {
  await store.revocation.record({ projectId })
}

/** keystone.common.utils.isotime: seconds only, `Z`; with `subsecond` a zeroed `.000000`. */
function isotime(micros: Micros, subsecond: boolean): string {
  const seconds = new Date(Math.floor(micros / 1_000_000) * 1000).toISOString().slice(0, 19)
  return `${seconds}${subsecond ? '.000000' : ''}Z`
}

/** RevokeEvent.to_dict as `GET /v3/OS-REVOKE/events` renders it: non-null fields only. */
export function renderRevocationEvent(e: RevocationEvent): Record<string, string> {
  const out: Record<string, string> = {}
  const plain: [string, string | null][] = [
    ['user_id', e.userId],
    ['role_id', e.roleId],
    ['domain_id', e.domainId],
    ['domain_scope_id', e.domainScopeId],
    ['project_id', e.projectId],
    ['audit_id', e.auditId],
    ['audit_chain_id', e.auditChainId],
    ['OS-TRUST:trust_id', e.trustId],
    ['OS-OAUTH1:consumer_id', e.consumerId],
    ['OS-OAUTH1:access_token_id', e.accessTokenId],
  ]
  for (const [key, value] of plain) if (value !== null) out[key] = value
  if (e.expiresAt !== null) out.expires_at = isotime(e.expiresAt, false)
  out.issued_before = isotime(e.issuedBefore, true)
  out.revoked_at = isotime(e.revokedAt, true)
  return out
}
