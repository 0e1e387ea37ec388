/**
 * Local users (with lockout counters and a password history), groups and group membership.
 * User and group names are unique within their domain; deleting a user or group takes its
 * memberships and passwords with it (ON DELETE CASCADE).
 * @module
 */
import { ID, jsonText, MICROS, type MigrationFactory, notNull, withAutoId } from './columns.ts'

export const identityMigration: MigrationFactory = (dialect) => ({
  async up(db) {
    await db.schema
      .createTable('user')
      .addColumn('id', ID, (c) => c.primaryKey())
      .addColumn('name', 'varchar(255)', notNull)
      .addColumn('domain_id', ID, (c) => c.notNull().references('project.id'))
      .addColumn('enabled', 'boolean', notNull)
      .addColumn('default_project_id', ID)
      .addColumn('options', 'text', jsonText)
      .addColumn('extra', 'text', jsonText)
      .addColumn('created_at', MICROS, notNull)
      .addColumn('last_active_at', MICROS)
      .addColumn('failed_auth_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('failed_auth_at', MICROS)
      .addUniqueConstraint('user_domain_id_name_key', ['domain_id', 'name'])
      .execute()

    await withAutoId(db.schema.createTable('password'), dialect)
      .addColumn('user_id', ID, (c) => c.notNull().references('user.id').onDelete('cascade'))
      .addColumn('password_hash', 'text', notNull)
      .addColumn('created_at', MICROS, notNull)
      .addColumn('expires_at', MICROS)
      .addColumn('self_service', 'boolean', (c) => c.notNull().defaultTo(false))
      .execute()
    await db.schema.createIndex('password_user_id_idx').on('password').column('user_id').execute()

    await db.schema
      .createTable('group')
      .addColumn('id', ID, (c) => c.primaryKey())
      .addColumn('name', 'varchar(64)', notNull)
      .addColumn('domain_id', ID, (c) => c.notNull().references('project.id'))
      .addColumn('description', 'text')
      .addColumn('extra', 'text', jsonText)
      .addUniqueConstraint('group_domain_id_name_key', ['domain_id', 'name'])
      .execute()

    await db.schema
      .createTable('user_group_membership')
      .addColumn('user_id', ID, (c) => c.notNull().references('user.id').onDelete('cascade'))
      .addColumn('group_id', ID, (c) => c.notNull().references('group.id').onDelete('cascade'))
      .addPrimaryKeyConstraint('user_group_membership_pkey', ['user_id', 'group_id'])
      .execute()
    await db.schema
      .createIndex('user_group_membership_group_id_idx')
      .on('user_group_membership')
      .column('group_id')
      .execute()
  },

  async down(db) {
    await db.schema.dropTable('user_group_membership').execute()
    await db.schema.dropTable('group').execute()
    await db.schema.dropTable('password').execute()
    await db.schema.dropTable('user').execute()
  },
})
