/**
 * OS-EP-FILTER (keystone/catalog/backends/sql.py ProjectEndpoint, EndpointGroup,
 * ProjectEndpointGroupMembership): endpoint groups and the project<->endpoint and
 * project<->endpoint-group associations that filter a project-scoped token's catalog.
 * Keystone has no foreign keys on the associations and removes them from its deletion callbacks
 * (project, endpoint) and from delete_endpoint_group; here ON DELETE CASCADE does the same in the
 * deleting statement, so no write path can leave one behind. Each table moves the cache
 * generation (as 0007's tables do): an association changes what a token's catalog holds.
 * @module
 */
import { sql } from 'kysely'
import { ID, type MigrationDb, type MigrationFactory, notNull } from './columns.ts'
import { createMysqlGenerationTriggers } from './mysql_tables.ts'

const TABLES = ['endpoint_group', 'project_endpoint', 'project_endpoint_group'] as const
// created by 0007_cache_generation
const BUMP_FUNCTION = 'baton_bump_cache_generation'
const triggerName = (table: string, event: string) => `baton_gen_${table}_${event}`
const SQLITE_EVENTS = { ins: sql`insert`, upd: sql`update`, del: sql`delete` }

async function createTriggers(db: MigrationDb, postgres: boolean): Promise<void> {
  for (const table of TABLES) {
    if (postgres) {
      await sql`create trigger ${sql.id(triggerName(table, 'write'))} before insert or update or
        delete or truncate on ${sql.table(table)} for each statement execute function ${sql.id(
          BUMP_FUNCTION,
        )}()`.execute(db)
      continue
    }
    for (const [suffix, event] of Object.entries(SQLITE_EVENTS)) {
      await sql`create trigger ${sql.id(triggerName(table, suffix))} after ${event} on ${sql.table(
        table,
      )} begin update cache_generation set value = value + 1 where id = 1; end`.execute(db)
    }
  }
}

export const endpointGroupMigration: MigrationFactory = (dialect) => ({
  async up(db) {
    await db.schema
      .createTable('endpoint_group')
      .addColumn('id', ID, (c) => c.primaryKey())
      .addColumn('name', 'varchar(255)', notNull)
      .addColumn('description', 'text')
      .addColumn('filters', 'text', notNull)
      .execute()

    await db.schema
      .createTable('project_endpoint')
      .addColumn('endpoint_id', ID, (c) =>
        c.notNull().references('endpoint.id').onDelete('cascade'),
      )
      .addColumn('project_id', ID, (c) => c.notNull().references('project.id').onDelete('cascade'))
      .addPrimaryKeyConstraint('project_endpoint_pkey', ['endpoint_id', 'project_id'])
      .execute()
    await db.schema
      .createIndex('project_endpoint_project_id_idx')
      .on('project_endpoint')
      .column('project_id')
      .execute()

    await db.schema
      .createTable('project_endpoint_group')
      .addColumn('endpoint_group_id', ID, (c) =>
        c.notNull().references('endpoint_group.id').onDelete('cascade'),
      )
      .addColumn('project_id', ID, (c) => c.notNull().references('project.id').onDelete('cascade'))
      .addPrimaryKeyConstraint('project_endpoint_group_pkey', ['endpoint_group_id', 'project_id'])
      .execute()
    await db.schema
      .createIndex('project_endpoint_group_project_id_idx')
      .on('project_endpoint_group')
      .column('project_id')
      .execute()

    if (dialect === 'mysql') await createMysqlGenerationTriggers(db, TABLES)
    else await createTriggers(db, dialect === 'postgres')
  },

  async down(db) {
    // dropping a table drops its triggers
    await db.schema.dropTable('project_endpoint_group').execute()
    await db.schema.dropTable('project_endpoint').execute()
    await db.schema.dropTable('endpoint_group').execute()
  },
})
