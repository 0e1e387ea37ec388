/**
 * Domain-specific configuration (keystone/resource/config_backends/sql.py WhiteListedConfig and
 * SensitiveConfig) in one table with a `sensitive` flag: an option's sensitivity follows from its
 * name, so it is never in both. Values are JSON, as Keystone's JsonBlob. A domain's
 * configuration goes with the domain (ON DELETE CASCADE), as Keystone's delete_domain removes it.
 * @module
 */
import { ID, type MigrationFactory, notNull } from './columns.ts'

export const domainConfigMigration: MigrationFactory = () => ({
  async up(db) {
    await db.schema
      .createTable('domain_config')
      .addColumn('domain_id', ID, (c) => c.notNull().references('project.id').onDelete('cascade'))
      .addColumn('group_name', 'varchar(255)', notNull)
      .addColumn('option_name', 'varchar(255)', notNull)
      .addColumn('value', 'text', notNull)
      .addColumn('sensitive', 'boolean', notNull)
      .addPrimaryKeyConstraint('domain_config_pkey', ['domain_id', 'group_name', 'option_name'])
      .execute()
  },

  async down(db) {
    await db.schema.dropTable('domain_config').execute()
  },
})
