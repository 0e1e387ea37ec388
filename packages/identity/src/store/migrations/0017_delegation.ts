/**
 * Baton's `baton_delegation` table (issue 15, docs/delegation.md): one row per delegation token,
 * the root issued from a user token and each narrowing of it (`parent_id`). The token carries
 * only the id; the row holds what bounds it: operation, audience, delegated roles, actor chain,
 * deadline, the root user token's audit ids, and the revoked flag (rows are never deleted by the
 * API: a revoked row must keep its descendants revoked). No foreign keys, as Keystone's trusts.
 * Writes move the cache generation (migration 0007): a cached validation must see a revocation.
 * Numbered 0017 on the delegation-identity branch; renumber on merge if taken.
 * @module
 */
import { sql } from 'kysely'
import { ID, MICROS, type MigrationDb, type MigrationFactory, notNull } from './columns.ts'
import { createMysqlGenerationTriggers } from './mysql_tables.ts'

const TABLE = 'baton_delegation'
const BUMP_FUNCTION = 'baton_bump_cache_generation'

async function createTriggers(db: MigrationDb, postgres: boolean): Promise<void> {
  if (postgres) {
    await sql`create trigger ${sql.id(`baton_gen_${TABLE}_write`)} before insert or update or
      delete or truncate on ${sql.table(TABLE)} for each statement execute function ${sql.id(
        BUMP_FUNCTION,
      )}()`.execute(db)
    return
  }
  const bump = sql`update cache_generation set value = value + 1 where id = 1;`
  for (const [suffix, event] of [
    ['ins', sql`insert`],
    ['upd', sql`update`],
    ['del', sql`delete`],
  ] as const) {
    await sql`create trigger ${sql.id(`baton_gen_${TABLE}_${suffix}`)} after ${event} on ${sql.table(
      TABLE,
    )} begin ${bump} end`.execute(db)
  }
}

export const delegationMigration: MigrationFactory = (dialect) => ({
  async up(db) {
    await db.schema
      .createTable(TABLE)
      .addColumn('id', ID, (c) => c.primaryKey())
      .addColumn('user_id', ID, notNull)
      .addColumn('project_id', ID, notNull)
      .addColumn('parent_id', ID)
      .addColumn('audit_id', 'varchar(32)', notNull)
      .addColumn('root_audit_id', 'varchar(32)', notNull)
      .addColumn('root_audit_chain_id', 'varchar(32)', notNull)
      .addColumn('root_issued_at', MICROS, notNull)
      .addColumn('root_expires_at', MICROS, notNull)
      .addColumn('methods', 'text', notNull)
      .addColumn('operation', 'varchar(255)', notNull)
      .addColumn('audience', 'text', notNull)
      .addColumn('role_ids', 'text', notNull)
      .addColumn('actors', 'text', notNull)
      .addColumn('created_at', MICROS, notNull)
      .addColumn('expires_at', MICROS, notNull)
      .addColumn('revoked', 'boolean', (c) => c.notNull().defaultTo(false))
      .addColumn('revoked_at', MICROS)
      .execute()
    for (const column of ['user_id', 'parent_id', 'root_audit_id', 'expires_at']) {
      await db.schema.createIndex(`${TABLE}_${column}_idx`).on(TABLE).column(column).execute()
    }
    if (dialect === 'mysql') await createMysqlGenerationTriggers(db, [TABLE])
    else await createTriggers(db, dialect === 'postgres')
  },

  async down(db) {
    await db.schema.dropTable(TABLE).execute()
  },
})
