/**
 * Unified limits (keystone/limit/backends/sql.py): registered limits (a default per service,
 * region and resource) and the project or domain limits that override them. A limit's service,
 * region and resource are its registered limit's. Keystone leaves these references without ON
 * DELETE; Baton cascades, so deleting a service, region, project or domain never fails on them
 * and never leaves a limit pointing nowhere (docs/keystone-differences.md). The unique indexes
 * back Keystone's duplicate checks against concurrent writers; region, project and domain may
 * be NULL, hence the coalesced expressions.
 * @module
 */
import { sql } from 'kysely'
import { ID, type MigrationFactory, notNull } from './columns.ts'

export const unifiedLimitMigration: MigrationFactory = () => ({
  async up(db) {
    await db.schema
      .createTable('registered_limit')
      .addColumn('id', ID, (c) => c.primaryKey())
      .addColumn('service_id', ID, (c) => c.notNull().references('service.id').onDelete('cascade'))
      .addColumn('region_id', 'varchar(255)', (c) => c.references('region.id').onDelete('cascade'))
      .addColumn('resource_name', 'varchar(255)', notNull)
      .addColumn('default_limit', 'integer', notNull)
      .addColumn('description', 'text')
      .execute()
    await sql`create unique index registered_limit_unique_idx on registered_limit
      (service_id, resource_name, (coalesce(region_id, '')))`.execute(db)

    await db.schema
      .createTable('limit')
      .addColumn('id', ID, (c) => c.primaryKey())
      .addColumn('project_id', ID, (c) => c.references('project.id').onDelete('cascade'))
      .addColumn('domain_id', ID, (c) => c.references('project.id').onDelete('cascade'))
      .addColumn('registered_limit_id', ID, (c) =>
        c.notNull().references('registered_limit.id').onDelete('cascade'),
      )
      .addColumn('resource_limit', 'integer', notNull)
      .addColumn('description', 'text')
      .execute()
    await sql`create unique index limit_unique_idx on ${sql.table('limit')}
      (registered_limit_id, (coalesce(project_id, '')), (coalesce(domain_id, '')))`.execute(db)
    await db.schema.createIndex('limit_project_id_idx').on('limit').column('project_id').execute()
    await db.schema.createIndex('limit_domain_id_idx').on('limit').column('domain_id').execute()
  },

  async down(db) {
    await db.schema.dropTable('limit').execute()
    await db.schema.dropTable('registered_limit').execute()
  },
})
