/**
 * Credentials (keystone/credential/backends/sql.py `CredentialModel`): the blob is stored only
 * encrypted (`encrypted_blob`, a Fernet token as text) with `key_hash`, the SHA-1 of the key that
 * encrypted it, so `baton credential rotate` can tell whether every row is on the primary key.
 * Same columns as Keystone's table (a Keystone dump imports as is). Unlike Keystone, which deletes
 * a user's or project's credentials from the manager, the rows go with their user or project by
 * ON DELETE CASCADE.
 * @module
 */
import { ID, jsonText, type MigrationFactory, notNull } from './columns.ts'

export const credentialMigration: MigrationFactory = () => ({
  async up(db) {
    await db.schema
      .createTable('credential')
      .addColumn('id', ID, (c) => c.primaryKey())
      .addColumn('user_id', ID, (c) => c.notNull().references('user.id').onDelete('cascade'))
      .addColumn('project_id', ID, (c) => c.references('project.id').onDelete('cascade'))
      .addColumn('type', 'varchar(255)', notNull)
      .addColumn('encrypted_blob', 'text', notNull)
      .addColumn('key_hash', ID, notNull)
      .addColumn('extra', 'text', jsonText)
      .execute()
    await db.schema
      .createIndex('credential_user_id_idx')
      .on('credential')
      .column('user_id')
      .execute()
    await db.schema
      .createIndex('credential_project_id_idx')
      .on('credential')
      .column('project_id')
      .execute()
  },

  async down(db) {
    await db.schema.dropTable('credential').execute()
  },
})
