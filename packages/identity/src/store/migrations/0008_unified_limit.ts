/**
 * Unified limits (keystone/limit/backends/sql.py): registered limits (a default per service,
 * region and resource) and the project or domain limits that override them. A limit's service,
 * region and resource are its registered limit's. Keystone leaves these references without ON
 * DELETE; Baton cascades, so deleting a service, region, project or domain never fails on them
 * and never leaves a limit pointing nowhere (docs/keystone-differences.md). The unique indexes
 * back Keystone's duplicate checks against concurrent writers; region, project and domain may
 * be NULL, hence the coalesced expressions. MariaDB has no expression indexes, so on MySQL the
 * coalesced values are virtual generated columns (`*_key`, never written) under the same indexes.
 * @module
 */
import { sql } from 'kysely'
import type { StoreDialect } from '../database.ts'
import { ID, type MigrationDb, type MigrationFactory, notNull } from './columns.ts'

/** UNIQUE (`columns`..., coalesce(nullable, '')...) as an expression or a generated-column index. */
async function uniqueWithNullables(
  db: MigrationDb,
  dialect: StoreDialect,
  index: string,
  table: string,
  columns: readonly string[],
  nullables: readonly string[],
): Promise<void> {
  if (dialect !== 'mysql') {
    await sql`create unique index ${sql.id(index)} on ${sql.table(table)} (${sql.join([
      ...columns.map((c) => sql.ref(c)),
      ...nullables.map((c) => sql`(coalesce(${sql.ref(c)}, ''))`),
    ])})`.execute(db)
    return
  }
  for (const c of nullables) {
    await sql`alter table ${sql.table(table)} add column ${sql.ref(`${c}_key`)} varchar(255)
      as (coalesce(${sql.ref(c)}, '')) virtual`.execute(db)
  }
  await sql`create unique index ${sql.id(index)} on ${sql.table(table)} (${sql.join(
    [...columns, ...nullables.map((c) => `${c}_key`)].map((c) => sql.ref(c)),
  )})`.execute(db)
}

export const unifiedLimitMigration: MigrationFactory = (dialect) => ({
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
    await uniqueWithNullables(
      db,
      dialect,
      'registered_limit_unique_idx',
      'registered_limit',
      ['service_id', 'resource_name'],
      ['region_id'],
    )

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
    await uniqueWithNullables(
      db,
      dialect,
      'limit_unique_idx',
      'limit',
      ['registered_limit_id'],
      ['project_id', 'domain_id'],
    )
    await db.schema.createIndex('limit_project_id_idx').on('limit').column('project_id').execute()
    await db.schema.createIndex('limit_domain_id_idx').on('limit').column('domain_id').execute()
  },

  async down(db) {
    await db.schema.dropTable('limit').execute()
    await db.schema.dropTable('registered_limit').execute()
  },
})
