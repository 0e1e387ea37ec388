/**
 * OS-POLICY's stored policy blobs (keystone/policy/backends/sql.py): an opaque blob and its
 * type, served for compatibility; Keystone never enforces them. Other attributes go to `extra`.
 * @module
 */
import { ID, jsonText, type MigrationFactory, notNull } from './columns.ts'

export const policyMigration: MigrationFactory = () => ({
  async up(db) {
    await db.schema
      .createTable('policy')
      .addColumn('id', ID, (c) => c.primaryKey())
      .addColumn('blob', 'text', notNull)
      .addColumn('type', 'varchar(255)', notNull)
      .addColumn('extra', 'text', jsonText)
      .execute()
  },

  async down(db) {
    await db.schema.dropTable('policy').execute()
  },
})
