/**
 * The cache generation: one row whose integer moves whenever anything a token validates to
 * changes, so every identity process (several workers, several nodes on one database) can tell
 * whether its in-memory validation caches still hold. Triggers bump it, in the writing
 * transaction, for every table that feeds validation: no write path (repository, bootstrap,
 * another process, a hand-written SQL fix) can forget it. Only the user table's authentication
 * bookkeeping columns (last_active_at, failed_auth_*) are left out: authentication writes them
 * on every login and no token body or validation decision reads them.
 * @module
 */
import { sql } from 'kysely'
import type { MigrationDb, MigrationFactory } from './columns.ts'
import { createMysqlGenerationTriggers } from './mysql_tables.ts'

/** Every table a minted token, its catalog or a revocation check is computed from. */
export const GENERATION_TABLES = [
  'project',
  'project_tag',
  'user',
  'password',
  'group',
  'user_group_membership',
  'role',
  'implied_role',
  'assignment',
  'system_assignment',
  'service',
  'region',
  'endpoint',
  'application_credential',
  'application_credential_role',
  'revocation_event',
] as const

/** The user columns whose change moves the generation (all but the login bookkeeping). */
const USER_COLUMNS = [
  'id',
  'name',
  'domain_id',
  'enabled',
  'default_project_id',
  'options',
  'extra',
]

export const BUMP_FUNCTION = 'baton_bump_cache_generation'

export function triggerName(table: string, event: string): string {
  return `baton_gen_${table}_${event}`
}

async function createSqliteTriggers(db: MigrationDb): Promise<void> {
  const bump = sql`update cache_generation set value = value + 1 where id = 1;`
  for (const table of GENERATION_TABLES) {
    const events = {
      ins: sql`insert`,
      upd: table === 'user' ? sql`update of ${sql.join(USER_COLUMNS.map(sql.ref))}` : sql`update`,
      del: sql`delete`,
    }
    for (const [suffix, event] of Object.entries(events)) {
      await sql`create trigger ${sql.id(triggerName(table, suffix))} after ${event} on ${sql.table(
        table,
      )} begin ${bump} end`.execute(db)
    }
  }
}

async function createPostgresTriggers(db: MigrationDb): Promise<void> {
  // Statement-level (one bump per statement, not per row) and BEFORE the statement: the
  // generation row is then the first lock any writing transaction takes, so waiting for it never
  // holds a row lock another transaction needs (no new deadlocks). The table's own schema is
  // used so the bump lands beside the write whatever the session's search_path.
  await sql`create or replace function ${sql.id(BUMP_FUNCTION)}() returns trigger
    language plpgsql as $$
    begin
      execute format('update %I.cache_generation set value = value + 1 where id = 1', tg_table_schema);
      return null;
    end $$`.execute(db)
  for (const table of GENERATION_TABLES) {
    const events =
      table === 'user'
        ? sql`insert or delete or truncate or update of ${sql.join(USER_COLUMNS.map(sql.ref))}`
        : sql`insert or update or delete or truncate`
    await sql`create trigger ${sql.id(triggerName(table, 'write'))} before ${events} on ${sql.table(
      table,
    )} for each statement execute function ${sql.id(BUMP_FUNCTION)}()`.execute(db)
  }
}

export const cacheGenerationMigration: MigrationFactory = (dialect) => ({
  async up(db) {
    await db.schema
      .createTable('cache_generation')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('value', 'bigint', (c) => c.notNull())
      .execute()
    await sql`insert into cache_generation (id, value) values (1, 0)`.execute(db)
    if (dialect === 'postgres') await createPostgresTriggers(db)
    else if (dialect === 'mysql') {
      await createMysqlGenerationTriggers(db, GENERATION_TABLES, { user: USER_COLUMNS })
    } else await createSqliteTriggers(db)
  },

  async down(db) {
    for (const table of GENERATION_TABLES) {
      for (const suffix of dialect === 'postgres' ? ['write'] : ['ins', 'upd', 'del']) {
        await sql`drop trigger if exists ${sql.id(triggerName(table, suffix))}${
          dialect === 'postgres' ? sql` on ${sql.table(table)}` : sql``
        }`.execute(db)
      }
    }
    if (dialect === 'postgres')
      await sql`drop function if exists ${sql.id(BUMP_FUNCTION)}()`.execute(db)
    await db.schema.dropTable('cache_generation').execute()
  },
})
