/**
 * OS-OAUTH1's `request_token` and `access_token` tables as Keystone creates them
 * (keystone/oauth1/backends/sql.py): the secrets in the clear (the server must read them back to
 * check a signature keyed with them, as Keystone does), `role_ids` as the JSON text of a list,
 * `expires_at` as Keystone's ISO string (`2026-12-07T12:00:00.123456Z`, or null for "never"),
 * `consumer_id` referencing the consumer. Writes to `access_token` move the cache generation
 * (migration 0007): an OAuth-scoped token's validation reads its access token, so deleting one
 * must end cached validations. Request tokens are never read by validation.
 * @module
 */
import { sql } from 'kysely'
import { ID, type MigrationDb, type MigrationFactory, notNull } from './columns.ts'
import { createMysqlGenerationTriggers } from './mysql_tables.ts'

const BUMP_FUNCTION = 'baton_bump_cache_generation'

async function createTriggers(db: MigrationDb, postgres: boolean): Promise<void> {
  if (postgres) {
    await sql`create trigger baton_gen_access_token_write before insert or update or delete or
      truncate on access_token for each statement execute function ${sql.id(BUMP_FUNCTION)}()`.execute(
      db,
    )
    return
  }
  const bump = sql`update cache_generation set value = value + 1 where id = 1;`
  for (const [suffix, event] of [
    ['ins', sql`insert`],
    ['upd', sql`update`],
    ['del', sql`delete`],
  ] as const) {
    await sql`create trigger ${sql.id(`baton_gen_access_token_${suffix}`)} after ${event} on
      access_token begin ${bump} end`.execute(db)
  }
}

export const oauth1TokenMigration: MigrationFactory = (dialect) => ({
  async up(db) {
    await db.schema
      .createTable('request_token')
      .addColumn('id', ID, (c) => c.primaryKey())
      .addColumn('request_secret', ID, notNull)
      .addColumn('verifier', ID)
      .addColumn('authorizing_user_id', ID)
      .addColumn('requested_project_id', ID, notNull)
      .addColumn('role_ids', 'text')
      .addColumn('consumer_id', ID, (c) => c.notNull().references('consumer.id'))
      .addColumn('expires_at', ID)
      .execute()
    await db.schema
      .createIndex('request_token_consumer_id_idx')
      .on('request_token')
      .column('consumer_id')
      .execute()
    await db.schema
      .createTable('access_token')
      .addColumn('id', ID, (c) => c.primaryKey())
      .addColumn('access_secret', ID, notNull)
      .addColumn('authorizing_user_id', ID, notNull)
      .addColumn('project_id', ID, notNull)
      .addColumn('role_ids', 'text', notNull)
      .addColumn('consumer_id', ID, (c) => c.notNull().references('consumer.id'))
      .addColumn('expires_at', ID)
      .execute()
    await db.schema
      .createIndex('access_token_authorizing_user_id_idx')
      .on('access_token')
      .column('authorizing_user_id')
      .execute()
    if (dialect === 'mysql') await createMysqlGenerationTriggers(db, ['access_token'])
    else await createTriggers(db, dialect === 'postgres')
  },

  async down(db) {
    // dropping a table drops its triggers on both dialects
    await db.schema.dropTable('access_token').execute()
    await db.schema.dropTable('request_token').execute()
  },
})
