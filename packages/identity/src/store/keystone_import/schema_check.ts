/**
 * Is the source a Keystone 22 database? Keystone 22 (Zed) is the first release whose schema is
 * managed by alembic: its `alembic_version` holds exactly the expand and contract heads of the
 * initial migrations (keystone/common/sql/migrations/versions/{EXPAND,CONTRACT}_HEAD). An older
 * Keystone has sqlalchemy-migrate's `migrate_version` instead; a newer one has other revisions.
 * @module
 */
import { KeystoneImportError } from '../../errors.ts'
import type { KeystoneSource } from './source.ts'

export const KEYSTONE_22_EXPAND_HEAD = '29e87d24a316'
export const KEYSTONE_22_CONTRACT_HEAD = 'e25ffa003242'

/** Tables every Keystone 22 database has and the import reads unconditionally. */
export const REQUIRED_TABLES = [
  'project',
  'user',
  'local_user',
  'password',
  'group',
  'user_group_membership',
  'role',
  'implied_role',
  'assignment',
  'system_assignment',
  'region',
  'service',
  'endpoint',
  'application_credential',
  'application_credential_role',
  'access_rule',
  'application_credential_access_rule',
] as const

export async function checkKeystone22(source: KeystoneSource): Promise<ReadonlySet<string>> {
  const tables = await source.tables()
  const known = new Set([KEYSTONE_22_EXPAND_HEAD, KEYSTONE_22_CONTRACT_HEAD])
  if (!tables.has('alembic_version')) {
    if (tables.has('migrate_version') && tables.has('project')) {
      throw new KeystoneImportError(
        'the source is a Keystone older than 22 (sqlalchemy-migrate schema): upgrade it to Keystone 22 with keystone-manage db_sync first',
      )
    }
    throw new KeystoneImportError(
      'the source is not a Keystone database (no alembic_version table)',
    )
  }
  const revisions = (await source.rows('alembic_version')).map((row) => String(row.version_num))
  const unknown = revisions.filter((revision) => !known.has(revision))
  if (unknown.length > 0) {
    throw new KeystoneImportError(
      `the source's Keystone schema is not Keystone 22's (alembic revision ${unknown.join(', ')}; expected ${KEYSTONE_22_EXPAND_HEAD} and ${KEYSTONE_22_CONTRACT_HEAD}): import from a Keystone 22 database`,
    )
  }
  if (revisions.length < 2) {
    throw new KeystoneImportError(
      `the source's Keystone schema is only partly migrated (alembic revision ${revisions.join(', ') || 'none'}): run keystone-manage db_sync on it first`,
    )
  }
  const missing = REQUIRED_TABLES.filter((table) => !tables.has(table))
  if (missing.length > 0) {
    throw new KeystoneImportError(
      `the source is not a Keystone 22 database (missing tables: ${missing.join(', ')})`,
    )
  }
  return tables
}
