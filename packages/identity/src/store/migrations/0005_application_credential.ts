/**
 * Application credentials and their roles. Names are unique per user; a credential dies with its
 * user, and loses a role when the role is deleted (ON DELETE CASCADE). Access rules come later.
 * @module
 */
import { ID, MICROS, type MigrationFactory, notNull } from './columns.ts'

export const applicationCredentialMigration: MigrationFactory = () => ({
  async up(db) {
    await db.schema
      .createTable('application_credential')
      .addColumn('id', ID, (c) => c.primaryKey())
      .addColumn('name', 'varchar(255)', notNull)
      .addColumn('secret_hash', 'text', notNull)
      .addColumn('description', 'text')
      .addColumn('user_id', ID, (c) => c.notNull().references('user.id').onDelete('cascade'))
      .addColumn('project_id', ID)
      .addColumn('system', 'varchar(64)')
      .addColumn('expires_at', MICROS)
      .addColumn('unrestricted', 'boolean', notNull)
      .addColumn('created_at', MICROS, notNull)
      .addUniqueConstraint('application_credential_user_id_name_key', ['user_id', 'name'])
      .execute()
    await db.schema
      .createIndex('application_credential_project_id_idx')
      .on('application_credential')
      .column('project_id')
      .execute()

    await db.schema
      .createTable('application_credential_role')
      .addColumn('application_credential_id', ID, (c) =>
        c.notNull().references('application_credential.id').onDelete('cascade'),
      )
      .addColumn('role_id', ID, (c) => c.notNull().references('role.id').onDelete('cascade'))
      .addPrimaryKeyConstraint('application_credential_role_pkey', [
        'application_credential_id',
        'role_id',
      ])
      .execute()
  },

  async down(db) {
    await db.schema.dropTable('application_credential_role').execute()
    await db.schema.dropTable('application_credential').execute()
  },
})
