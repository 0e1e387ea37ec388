/**
 * Application-credential access rules, as Keystone stores them (keystone/application_credential/
 * backends/sql.py AccessRuleModel): one row per (user, service, path, method), reused by every
 * credential of that user that asks for the same rule, with its public `external_id`. A rule dies
 * with its user; the link table dies with the credential, and its plain reference to the rule
 * refuses deleting a rule still in use. `path` is VARCHAR(225), the API schema's own limit (Keystone's
 * column is 128 wide and its MySQL backend fails on a longer path the schema let through).
 * @module
 */
import { sql } from 'kysely'
import { BUMP_FUNCTION, triggerName } from './0007_cache_generation.ts'
import { ID, type MigrationDb, type MigrationFactory, notNull, withAutoId } from './columns.ts'
import { createMysqlGenerationTriggers } from './mysql_tables.ts'

/** Both feed token bodies (`application_credential.access_rules`): they move the cache generation. */
const TABLES = ['access_rule', 'application_credential_access_rule'] as const

/** The same triggers 0007_cache_generation puts on every table validation reads. */
async function generationTriggers(db: MigrationDb, postgres: boolean): Promise<void> {
  for (const table of TABLES) {
    if (postgres) {
      await sql`create trigger ${sql.id(triggerName(table, 'write'))} before insert or update or delete or truncate on ${sql.table(
        table,
      )} for each statement execute function ${sql.id(BUMP_FUNCTION)}()`.execute(db)
      continue
    }
    const bump = sql`update cache_generation set value = value + 1 where id = 1;`
    for (const [suffix, event] of [
      ['ins', sql`insert`],
      ['upd', sql`update`],
      ['del', sql`delete`],
    ] as const) {
      await sql`create trigger ${sql.id(triggerName(table, suffix))} after ${event} on ${sql.table(
        table,
      )} begin ${bump} end`.execute(db)
    }
  }
}

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
    if (dialect === 'mysql') await createMysqlGenerationTriggers(db, TABLES)
    else await generationTriggers(db, dialect === 'postgres')
  },

  async down(db) {
    await db.schema.dropTable('application_credential_access_rule').execute()
    await db.schema.dropTable('access_rule').execute()
  },
})
