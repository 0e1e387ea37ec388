/**
 * Keystone's application credentials of imported users (secret hashes as stored), their roles,
 * and their access rules, joined by the rules' `external_id` since Baton's rule ids differ.
 * @module
 */
import type { Insertable } from 'kysely'
import type { ApplicationCredentialRoleTable, ApplicationCredentialTable } from '../schema.ts'
import type { SourceRows } from './plan_rows.ts'
import type { PlannedAccessRule, PlannedCredentialRule } from './plan_types.ts'
import { sourceBool, sourceText } from './source.ts'

export async function planApplicationCredentials(
  rows: SourceRows,
  cannot: string[],
  imported: { readonly userIds: ReadonlySet<string>; readonly roleIds: ReadonlySet<string> },
  nowMicros: number,
): Promise<{
  application_credential: Insertable<ApplicationCredentialTable>[]
  application_credential_role: ApplicationCredentialRoleTable[]
  access_rule: PlannedAccessRule[]
  application_credential_access_rule: PlannedCredentialRule[]
}> {
  const { userIds, roleIds } = imported
  const credentialIdByInternal = new Map<string, string>()
  const application_credential: Insertable<ApplicationCredentialTable>[] = []
  for (const row of await rows('application_credential', 'internal_id')) {
    if (!userIds.has(String(row.user_id))) {
      cannot.push(
        `application credential ${String(row.id)} (${String(row.name)}): its user ${String(row.user_id)} is not imported`,
      )
      continue
    }
    credentialIdByInternal.set(String(row.internal_id), String(row.id))
    application_credential.push({
      id: String(row.id),
      name: String(row.name),
      secret_hash: String(row.secret_hash),
      description: sourceText(row.description),
      user_id: String(row.user_id),
      project_id: sourceText(row.project_id),
      system: sourceText(row.system),
      expires_at: row.expires_at === null ? null : Number(row.expires_at),
      unrestricted: sourceBool(row.unrestricted),
      // Keystone 22 records no creation time for application credentials.
      created_at: nowMicros,
    })
  }
  const application_credential_role: ApplicationCredentialRoleTable[] = []
  for (const row of await rows('application_credential_role')) {
    const id = credentialIdByInternal.get(String(row.application_credential_id))
    if (id !== undefined && roleIds.has(String(row.role_id))) {
      application_credential_role.push({
        application_credential_id: id,
        role_id: String(row.role_id),
      })
    }
  }
  const accessRuleRows = (await rows('access_rule', 'id')).filter((row) =>
    userIds.has(String(row.user_id)),
  )
  const access_rule = accessRuleRows.map((row) => ({
    external_id: String(row.external_id),
    user_id: String(row.user_id),
    service: String(row.service ?? ''),
    path: String(row.path ?? ''),
    method: String(row.method ?? ''),
  }))
  const externalByRuleId = new Map(
    accessRuleRows.map((row) => [String(row.id), String(row.external_id)]),
  )
  const positions = new Map<string, number>()
  const application_credential_access_rule: PlannedCredentialRule[] = []
  for (const row of await rows('application_credential_access_rule', 'access_rule_id')) {
    const id = credentialIdByInternal.get(String(row.application_credential_id))
    const external = externalByRuleId.get(String(row.access_rule_id))
    if (id === undefined || external === undefined) continue
    const position = positions.get(id) ?? 0
    positions.set(id, position + 1)
    application_credential_access_rule.push({
      application_credential_id: id,
      external_id: external,
      position,
    })
  }

  return {
    application_credential,
    application_credential_role,
    access_rule,
    application_credential_access_rule,
  }
}
