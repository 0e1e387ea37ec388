/**
 * Keystone's revocation events that can still matter: a token revoked at Keystone must stay
 * revoked at Baton after the cut-over. An event revokes tokens issued before its `issued_before`;
 * such a token is past any use once `issued_before + [token] expiration + allow_expired_window`
 * (Baton's settings, the window a token can still be presented in) has passed, so older events
 * are left behind (and counted). Times become BIGINT microseconds.
 * @module
 */
import type { Insertable } from 'kysely'
import type { RevocationEventTable } from '../schema.ts'
import type { SourceRows } from './plan_rows.ts'
import { sourceMicros, sourceText } from './source.ts'

export type PlannedRevocationEvent = Omit<Insertable<RevocationEventTable>, 'id'>

export async function planRevocations(
  rows: SourceRows,
  nowMicros: number,
  windowMicros: number,
): Promise<{ revocation_event: PlannedRevocationEvent[]; outdated: number }> {
  const revocation_event: PlannedRevocationEvent[] = []
  let outdated = 0
  for (const row of await rows('revocation_event', 'id')) {
    const issuedBefore = sourceMicros(row.issued_before)
    const revokedAt = sourceMicros(row.revoked_at)
    if (issuedBefore === null || revokedAt === null || issuedBefore + windowMicros <= nowMicros) {
      outdated += 1
      continue
    }
    revocation_event.push({
      domain_id: sourceText(row.domain_id),
      project_id: sourceText(row.project_id),
      user_id: sourceText(row.user_id),
      role_id: sourceText(row.role_id),
      trust_id: sourceText(row.trust_id),
      consumer_id: sourceText(row.consumer_id),
      access_token_id: sourceText(row.access_token_id),
      issued_before: issuedBefore,
      expires_at: sourceMicros(row.expires_at),
      revoked_at: revokedAt,
      audit_id: sourceText(row.audit_id),
      audit_chain_id: sourceText(row.audit_chain_id),
    })
  }
  return { revocation_event, outdated }
}
