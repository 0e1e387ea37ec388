/**
 * Roles, role implications, and role assignments (Keystone's `assignment` and
 * `system_assignment` tables). Global roles carry domain_id NULL_DOMAIN_ID so UNIQUE (name,
 * domain_id) covers them. Actors and targets are polymorphic (user or group; project or domain),
 * so only `role_id` is a foreign key; the repositories delete the rest explicitly.
 * @module
 */
import { NULL_DOMAIN_ID } from '../codecs.ts'
import { ID, jsonText, type MigrationFactory, notNull } from './columns.ts'

export const assignmentMigration: MigrationFactory = () => ({
  async up(db) {
    await db.schema
      .createTable('role')
      .addColumn('id', ID, (c) => c.primaryKey())
      .addColumn('name', 'varchar(255)', notNull)
      .addColumn('domain_id', ID, (c) => c.notNull().defaultTo(NULL_DOMAIN_ID))
      .addColumn('description', 'text')
      .addColumn('options', 'text', jsonText)
      .addColumn('extra', 'text', jsonText)
      .addUniqueConstraint('role_name_domain_id_key', ['name', 'domain_id'])
      .execute()

    await db.schema
      .createTable('implied_role')
      .addColumn('prior_role_id', ID, (c) => c.notNull().references('role.id').onDelete('cascade'))
      .addColumn('implied_role_id', ID, (c) =>
        c.notNull().references('role.id').onDelete('cascade'),
      )
      .addPrimaryKeyConstraint('implied_role_pkey', ['prior_role_id', 'implied_role_id'])
      .execute()
    await db.schema
      .createIndex('implied_role_implied_role_id_idx')
      .on('implied_role')
      .column('implied_role_id')
      .execute()

    for (const table of ['assignment', 'system_assignment'] as const) {
      await db.schema
        .createTable(table)
        .addColumn('type', 'varchar(64)', notNull)
        .addColumn('actor_id', ID, notNull)
        .addColumn('target_id', ID, notNull)
        .addColumn('role_id', ID, (c) => c.notNull().references('role.id').onDelete('cascade'))
        .addColumn('inherited', 'boolean', notNull)
        .addPrimaryKeyConstraint(`${table}_pkey`, [
          'type',
          'actor_id',
          'target_id',
          'role_id',
          'inherited',
        ])
        .execute()
      await db.schema.createIndex(`${table}_actor_id_idx`).on(table).column('actor_id').execute()
      await db.schema.createIndex(`${table}_role_id_idx`).on(table).column('role_id').execute()
    }
    await db.schema
      .createIndex('assignment_target_id_idx')
      .on('assignment')
      .column('target_id')
      .execute()
  },

  async down(db) {
    await db.schema.dropTable('system_assignment').execute()
    await db.schema.dropTable('assignment').execute()
    await db.schema.dropTable('implied_role').execute()
    await db.schema.dropTable('role').execute()
  },
})
