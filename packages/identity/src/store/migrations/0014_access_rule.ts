/**
 * Application-credential access rules, as Keystone stores them (keystone/application_credential/
 * backends/sql.py AccessRuleModel): one row per (user, service, path, method), reused by every
 * credential of that user that asks for the same rule, with its public `external_id`. A rule dies
 * with its user; the link table dies with the credential, and its plain reference to the rule
 * refuses deleting a rule still in use. `path` is VARCHAR(225), the API schema's own limit (Keystone's
 * column is 128 wide and its MySQL backend fails on a longer path the schema let through).
 * @module
 */
import { ID, type MigrationFactory, notNull, withAutoId } from './columns.ts'

export const accessRuleMigration: MigrationFactory = (dialect) => ({
  async up(db) {
    await withAutoId(db.schema.createTable('access_rule'), dialect)
      .addColumn('external_id', ID, (c) => c.notNull().unique())
      .addColumn('user_id', ID, (c) => c.notNull().references('user.id').onDelete('cascade'))
      .addColumn('service', 'varchar(64)', notNull)
      .addColumn('path', 'varchar(225)', notNull)
      .addColumn('method', 'varchar(16)', notNull)
      .addUniqueConstraint('duplicate_access_rule_for_user_constraint', [
        'user_id',
        'service',
        'path',
        'method',
      ])
      .execute()

    await db.schema
      .createTable('application_credential_access_rule')
      .addColumn('application_credential_id', ID, (c) =>
        c.notNull().references('application_credential.id').onDelete('cascade'),
      )
      .addColumn('access_rule_id', 'integer', (c) => c.notNull().references('access_rule.id'))
      .addColumn('position', 'integer', notNull)
      .addPrimaryKeyConstraint('application_credential_access_rule_pkey', [
        'application_credential_id',
        'access_rule_id',
      ])
      .execute()
    await db.schema
      .createIndex('application_credential_access_rule_rule_idx')
      .on('application_credential_access_rule')
      .column('access_rule_id')
      .execute()
  },

  async down(db) {
    await db.schema.dropTable('application_credential_access_rule').execute()
    await db.schema.dropTable('access_rule').execute()
  },
})
