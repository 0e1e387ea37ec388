/**
 * Keystone's `credential` rows (EC2 keys, TOTP secrets, ...) copied as they are stored: Baton's
 * credential store uses Keystone's format (a Fernet token as `encrypted_blob` under the
 * `[credential] key_repository` keys, `key_hash` the SHA-1 of the key that encrypted it), so the
 * blobs are never decrypted here; Baton reads them once it has Keystone's credential keys.
 * @module
 */
import type { Insertable } from 'kysely'
import type { CredentialTable } from '../schema.ts'
import { jsonText, type SourceRows } from './plan_rows.ts'
import { sourceText } from './source.ts'

export async function planCredentials(
  rows: SourceRows,
  cannot: string[],
  imported: { readonly userIds: ReadonlySet<string>; readonly projectIds: ReadonlySet<string> },
): Promise<{ credential: Insertable<CredentialTable>[] }> {
  const credential: Insertable<CredentialTable>[] = []
  for (const row of await rows('credential', 'id')) {
    const id = String(row.id)
    const projectId = sourceText(row.project_id)
    if (!imported.userIds.has(String(row.user_id))) {
      cannot.push(`credential ${id}: its user ${String(row.user_id)} is not imported`)
      continue
    }
    if (projectId !== null && !imported.projectIds.has(projectId)) {
      cannot.push(`credential ${id}: its project ${projectId} is not imported`)
      continue
    }
    credential.push({
      id,
      user_id: String(row.user_id),
      project_id: projectId,
      type: String(row.type),
      encrypted_blob: String(row.encrypted_blob),
      key_hash: String(row.key_hash),
      extra: jsonText(row.extra),
    })
  }
  return { credential }
}
