/**
 * Keystone's trusts that Keystone still honours (keystone/trust/backends/sql.py `get_trust`: not
 * deleted, not expired, uses left), with their roles. Expiry is read from `expires_at_int`
 * (microseconds) when set, since MySQL's DATETIME `expires_at` drops them. A trust whose trustor
 * or trustee (or project) is not imported could not be used at Baton: it is named in `cannot`.
 * @module
 */
import type { Insertable } from 'kysely'
import type { TrustRoleTable, TrustTable } from '../schema.ts'
import { jsonText, type SourceRows } from './plan_rows.ts'
import { sourceBool, sourceMicros, sourceText } from './source.ts'

export async function planTrusts(
  rows: SourceRows,
  cannot: string[],
  imported: {
    readonly userIds: ReadonlySet<string>
    readonly projectIds: ReadonlySet<string>
    readonly roleIds: ReadonlySet<string>
  },
  nowMicros: number,
): Promise<{ trust: Insertable<TrustTable>[]; trust_role: TrustRoleTable[]; spent: number }> {
  const trust: Insertable<TrustTable>[] = []
  let spent = 0
  for (const row of await rows('trust', 'id')) {
    const id = String(row.id)
    const expiresAt =
      row.expires_at_int !== null && row.expires_at_int !== undefined
        ? Number(row.expires_at_int)
        : sourceMicros(row.expires_at)
    const remaining = row.remaining_uses === null ? null : Number(row.remaining_uses)
    if (
      sourceMicros(row.deleted_at) !== null ||
      (expiresAt !== null && expiresAt <= nowMicros) ||
      (remaining !== null && remaining <= 0)
    ) {
      spent += 1
      continue
    }
    const projectId = sourceText(row.project_id)
    const missing = [String(row.trustor_user_id), String(row.trustee_user_id)].filter(
      (user) => !imported.userIds.has(user),
    )
    if (missing.length > 0 || (projectId !== null && !imported.projectIds.has(projectId))) {
      cannot.push(
        `trust ${id}: ${missing.length > 0 ? `user ${missing.join(', ')}` : `project ${projectId}`} is not imported`,
      )
      continue
    }
    trust.push({
      id,
      trustor_user_id: String(row.trustor_user_id),
      trustee_user_id: String(row.trustee_user_id),
      project_id: projectId,
      impersonation: sourceBool(row.impersonation),
      deleted_at: null,
      expires_at: expiresAt,
      remaining_uses: remaining,
      redelegated_trust_id: sourceText(row.redelegated_trust_id),
      redelegation_count: row.redelegation_count === null ? null : Number(row.redelegation_count),
      extra: jsonText(row.extra),
    })
  }
  const trustIds = new Set(trust.map((row) => row.id))
  const trust_role = (await rows('trust_role', 'trust_id'))
    .filter(
      (row) => trustIds.has(String(row.trust_id)) && imported.roleIds.has(String(row.role_id)),
    )
    .map((row) => ({ trust_id: String(row.trust_id), role_id: String(row.role_id) }))
  return { trust, trust_role, spent }
}
