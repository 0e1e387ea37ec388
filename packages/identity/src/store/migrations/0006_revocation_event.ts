/**
 * Keystone's `revocation_event` table (keystone/revoke/backends/sql.py): the same columns and
 * indexes, with times as BIGINT microseconds. The extra revoked_at index serves `prune()`, which
 * deletes by revoked_at on every revocation.
 * @module
 */
import { ID, MICROS, type MigrationFactory, notNull, withAutoId } from './columns.ts'

const AUDIT_ID = 'varchar(32)'

export const revocationEventMigration: MigrationFactory = (dialect) => ({
  async up(db) {
    await withAutoId(db.schema.createTable('revocation_event'), dialect)
      .addColumn('domain_id', ID)
      .addColumn('project_id', ID)
      .addColumn('user_id', ID)
      .addColumn('role_id', ID)
      .addColumn('trust_id', ID)
      .addColumn('consumer_id', ID)
      .addColumn('access_token_id', ID)
      .addColumn('issued_before', MICROS, notNull)
      .addColumn('expires_at', MICROS)
      .addColumn('revoked_at', MICROS, notNull)
      .addColumn('audit_id', AUDIT_ID)
      .addColumn('audit_chain_id', AUDIT_ID)
      .execute()
    const indexes: Record<string, string[]> = {
      ix_revocation_event_project_id_issued_before: ['project_id', 'issued_before'],
      ix_revocation_event_user_id_issued_before: ['user_id', 'issued_before'],
      ix_revocation_event_audit_id_issued_before: ['audit_id', 'issued_before'],
      ix_revocation_event_project_id_user_id: ['project_id', 'user_id'],
      ix_revocation_event_issued_before_user_id_project_id_audit_id: [
        'issued_before',
        'user_id',
        'project_id',
        'audit_id',
      ],
      ix_revocation_event_revoked_at: ['revoked_at'],
    }
    for (const [name, columns] of Object.entries(indexes)) {
      await db.schema.createIndex(name).on('revocation_event').columns(columns).execute()
    }
  },

  async down(db) {
    await db.schema.dropTable('revocation_event').execute()
  },
})
