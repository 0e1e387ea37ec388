/**
 * Domains, projects and project tags. Domains are projects with `is_domain` (as in Keystone) whose
 * `domain_id` is the root sentinel row, so UNIQUE (domain_id, name) makes domain names globally
 * unique and project names unique within their domain.
 * @module
 */
import { sql } from 'kysely'
import { ROOT_DOMAIN_ID } from '../codecs.ts'
import { ID, jsonText, type MigrationFactory, notNull } from './columns.ts'

export const resourceMigration: MigrationFactory = () => ({
  async up(db) {
    await db.schema
      .createTable('project')
      .addColumn('id', ID, (c) => c.primaryKey())
      .addColumn('name', 'varchar(64)', notNull)
      .addColumn('domain_id', ID, (c) => c.notNull().references('project.id'))
      .addColumn('parent_id', ID, (c) => c.references('project.id'))
      .addColumn('description', 'text')
      .addColumn('enabled', 'boolean', notNull)
      .addColumn('is_domain', 'boolean', (c) => c.notNull().defaultTo(false))
      .addColumn('options', 'text', jsonText)
      .addColumn('extra', 'text', jsonText)
      .addUniqueConstraint('project_domain_id_name_key', ['domain_id', 'name'])
      .execute()
    await db.schema.createIndex('project_parent_id_idx').on('project').column('parent_id').execute()
    // Keystone's root row: its own domain, never listed, never enabled.
    await sql`insert into project (id, name, domain_id, parent_id, description, enabled, is_domain, options, extra)
      values (${ROOT_DOMAIN_ID}, ${ROOT_DOMAIN_ID}, ${ROOT_DOMAIN_ID}, ${null}, ${null}, ${false}, ${true}, '{}', '{}')`.execute(
      db,
    )

    await db.schema
      .createTable('project_tag')
      .addColumn('project_id', ID, (c) => c.notNull().references('project.id').onDelete('cascade'))
      .addColumn('name', 'varchar(255)', notNull)
      .addPrimaryKeyConstraint('project_tag_pkey', ['project_id', 'name'])
      .execute()
  },

  async down(db) {
    await db.schema.dropTable('project_tag').execute()
    await db.schema.dropTable('project').execute()
  },
})
