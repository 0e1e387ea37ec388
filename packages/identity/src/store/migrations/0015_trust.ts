/**
 * Keystone's `trust` and `trust_role` tables (keystone/trust/backends/sql.py): the same columns,
 * the same `duplicate_trust_constraint`, no foreign keys (Keystone has none either: a trust
 * outlives its users and project as a soft-deleted row until `baton trust flush`). Times are
 * BIGINT microseconds, so Keystone's second column `expires_at_int` (a microsecond copy of the
 * DateTime `expires_at`, which loses them on MySQL) has nothing to add and is not repeated.
 * Writes to both tables move the cache generation (migration 0007), as a trust-scoped token's
 * validation will read them.
 * @module
 */
import { sql } from 'kysely'
import {
  ID,
  jsonText,
  MICROS,
  type MigrationDb,
  type MigrationFactory,
  notNull,
} from './columns.ts'
import { createMysqlGenerationTriggers } from './mysql_tables.ts'

const TABLES = ['trust', 'trust_role'] as const
const BUMP_FUNCTION = 'baton_bump_cache_generation'

async function createTriggers(db: MigrationDb, postgres: boolean): Promise<void> {
  for (const table of TABLES) {
    if (postgres) {
      await sql`create trigger ${sql.id(`baton_gen_${table}_write`)} before insert or update or
        delete or truncate on ${sql.table(table)} for each statement execute function ${sql.id(
          BUMP_FUNCTION,
        )}()`.execute(db)
      continue
    }
    const bump = sql`update cache_generation set value = value + 1 where id = 1;`
    for (const [suffix, event] of [
      ['ins', sql`insert`],
      ['upd', sql`update`],
      ['del', sql`delete`],
    ] as const) {
      await sql`create trigger ${sql.id(`baton_gen_${table}_${suffix}`)} after ${event} on ${sql.table(
        table,
      )} begin ${bump} end`.execute(db)
    }
  }
}

export const trustMigration: MigrationFactory = (dialect) => ({
  async up(db) {
    await db.schema
      .createTable('trust')
      .addColumn('id', ID, (c) => c.primaryKey())
      .addColumn('trustor_user_id', ID, notNull)
      .addColumn('trustee_user_id', ID, notNull)
      .addColumn('project_id', ID)
      .addColumn('impersonation', 'boolean', notNull)
      .addColumn('deleted_at', MICROS)
      .addColumn('expires_at', MICROS)
      .addColumn('remaining_uses', 'integer')
      .addColumn('redelegated_trust_id', ID)
      .addColumn('redelegation_count', 'integer')
      .addColumn('extra', 'text', jsonText)
      .addUniqueConstraint('duplicate_trust_constraint', [
        'trustor_user_id',
        'trustee_user_id',
        'project_id',
        'impersonation',
        'expires_at',
      ])
      .execute()
    for (const column of ['trustee_user_id', 'project_id', 'redelegated_trust_id']) {
      await db.schema.createIndex(`trust_${column}_idx`).on('trust').column(column).execute()
    }
    await db.schema
      .createTable('trust_role')
      .addColumn('trust_id', ID, notNull)
      .addColumn('role_id', ID, notNull)
      .addPrimaryKeyConstraint('trust_role_pkey', ['trust_id', 'role_id'])
      .execute()
    if (dialect === 'mysql') await createMysqlGenerationTriggers(db, TABLES)
    else await createTriggers(db, dialect === 'postgres')
  },

  async down(db) {
    // dropping a table drops its triggers on both dialects
    await db.schema.dropTable('trust_role').execute()
    await db.schema.dropTable('trust').execute()
  },
})
