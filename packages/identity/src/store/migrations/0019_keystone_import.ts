/**
 * The ids `baton db import-keystone` brought over last time, per table (Baton-only bookkeeping):
 * a re-run deletes an entity only when the previous import brought it and the source no longer
 * has it, so rows Baton created itself are never deleted by an import.
 * @module
 */
import { type MigrationFactory, notNull } from './columns.ts'

export const keystoneImportMigration: MigrationFactory = () => ({
  async up(db) {
    await db.schema
      .createTable('keystone_import_row')
      .addColumn('table_name', 'varchar(64)', notNull)
      // region ids are up to 255 characters
      .addColumn('id', 'varchar(255)', notNull)
      .addPrimaryKeyConstraint('keystone_import_row_pkey', ['table_name', 'id'])
      .execute()
  },
  async down(db) {
    await db.schema.dropTable('keystone_import_row').execute()
  },
})
