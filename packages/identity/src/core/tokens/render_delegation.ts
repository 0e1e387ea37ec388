/**
 * The `OS-BATON:delegation` member of a delegation token's body (docs/delegation.md): what the
 * receiving service, its audit trail and a revocation subscriber need beside Keystone's usual
 * token body: the delegation's id, operation, audience, actor chain (first actor first), the
 * root user token's audit id (a revocation event naming it ends the delegation) and the deadline.
 * The same object is the delegation resource of `/v3/OS-BATON/delegations`, plus its state there.
 * @module
 */
import type { Delegation, JsonValue } from '../../store/index.ts'
import type { TokenDelegation } from './token_model.ts'
import { keystoneTime } from './token_time.ts'

/** Micros (the store's columns) as a Keystone time string. */
function micros(value: number): string {
  return keystoneTime(Math.floor(value / 1_000_000) * 1000)
}

export function renderDelegationRecord(d: Delegation): { [key: string]: JsonValue } {
  return {
    id: d.id,
    operation: d.operation,
    audience: [...d.audience],
    actors: d.actors.map((a) => ({
      user_id: a.userId,
      user_name: a.userName,
      project_id: a.projectId,
      issued_at: micros(a.issuedAt),
    })),
    root_audit_id: d.rootAuditId,
    expires_at: micros(d.expiresAt),
  }
}

export function renderDelegation(token: TokenDelegation): { [key: string]: JsonValue } {
  return renderDelegationRecord(token.delegation)
}
