/**
 * What the migrations need on MySQL/MariaDB beyond kysely's schema builder:
 * - every table InnoDB, `utf8mb4` with the binary collation (`utf8mb4_bin`), so names and ids
 *   compare case-sensitively and unique keys tell `Admin` from `admin`, as on PostgreSQL and
 *   SQLite. A plugin on the migration connection adds the table options to each CREATE TABLE, so
 *   migrations stay dialect-free and the database's own default charset does not matter.
 * - the cache-generation triggers (0007): MySQL has row triggers only, one per event and table,
 *   and no `UPDATE OF columns`, so the user table compares the columns that matter itself.
 *   InnoDB's ON DELETE CASCADE fires no triggers, but every cascading foreign key into a
 *   generation table hangs off a parent that is a generation table too, whose own delete moves
 *   the generation in the same transaction (test/identity/store/mysql_schema.test.ts checks it).
 * @module
 */
import {
  CreateTableNode,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  RawNode,
  type RootOperationNode,
  sql,
  type UnknownRow,
} from 'kysely'
import type { MigrationDb } from './columns.ts'

export const MYSQL_TABLE_OPTIONS = 'engine=InnoDB default charset=utf8mb4 collate=utf8mb4_bin'

export class MysqlTableOptionsPlugin implements KyselyPlugin {
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const { node } = args
    if (!CreateTableNode.is(node)) return node
    return CreateTableNode.cloneWithEndModifier(node, RawNode.createWithSql(MYSQL_TABLE_OPTIONS))
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result
  }
}

const BUMP = sql`update cache_generation set value = value + 1 where id = 1`

/**
 * `baton_gen_<table>_{ins,upd,del}`, the names SQLite's triggers have. BEFORE each row, so the
 * generation row is locked before the row itself is written. With `onlyColumns`, an update moves
 * the generation only when one of them changed (NULL-safe comparison).
 */
export async function createMysqlGenerationTriggers(
  db: MigrationDb,
  tables: readonly string[],
  onlyColumns: Readonly<Record<string, readonly string[]>> = {},
): Promise<void> {
  for (const table of tables) {
    const columns = onlyColumns[table]
    const onUpdate =
      columns === undefined
        ? sql`${BUMP}`
        : sql`if not (${sql.join(
            columns.map((c) => sql`old.${sql.ref(c)} <=> new.${sql.ref(c)}`),
            sql` and `,
          )}) then ${BUMP}; end if`
    for (const [suffix, event, body] of [
      ['ins', sql`insert`, sql`${BUMP}`],
      ['upd', sql`update`, onUpdate],
      ['del', sql`delete`, sql`${BUMP}`],
    ] as const) {
      await sql`create trigger ${sql.id(`baton_gen_${table}_${suffix}`)} before ${event} on ${sql.table(
        table,
      )} for each row begin ${body}; end`.execute(db)
    }
  }
}
