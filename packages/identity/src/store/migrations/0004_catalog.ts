/**
 * The service catalog: regions (a tree through parent_region_id), services and endpoints.
 * Deleting a service deletes its endpoints (Keystone does the same in its catalog driver).
 * @module
 */
import { ID, jsonText, type MigrationFactory, notNull } from './columns.ts'

export const catalogMigration: MigrationFactory = () => ({
  async up(db) {
    await db.schema
      .createTable('region')
      .addColumn('id', 'varchar(255)', (c) => c.primaryKey())
      .addColumn('description', 'text')
      .addColumn('parent_region_id', 'varchar(255)', (c) => c.references('region.id'))
      .addColumn('extra', 'text', jsonText)
      .execute()

    await db.schema
      .createTable('service')
      .addColumn('id', ID, (c) => c.primaryKey())
      .addColumn('type', 'varchar(255)', notNull)
      .addColumn('name', 'varchar(255)')
      .addColumn('description', 'text')
      .addColumn('enabled', 'boolean', notNull)
      .addColumn('extra', 'text', jsonText)
      .execute()
    await db.schema.createIndex('service_type_idx').on('service').column('type').execute()

    await db.schema
      .createTable('endpoint')
      .addColumn('id', ID, (c) => c.primaryKey())
      .addColumn('interface', 'varchar(8)', notNull)
      .addColumn('service_id', ID, (c) => c.notNull().references('service.id').onDelete('cascade'))
      .addColumn('region_id', 'varchar(255)', (c) => c.references('region.id'))
      .addColumn('url', 'text', notNull)
      .addColumn('enabled', 'boolean', notNull)
      .addColumn('extra', 'text', jsonText)
      .execute()
    await db.schema
      .createIndex('endpoint_service_id_idx')
      .on('endpoint')
      .column('service_id')
      .execute()
  },

  async down(db) {
    await db.schema.dropTable('endpoint').execute()
    await db.schema.dropTable('service').execute()
    await db.schema.dropTable('region').execute()
  },
})
