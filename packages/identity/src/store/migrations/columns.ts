/**
 * Column conventions shared by every migration, so both dialects get the same shapes: string IDs
 * are VARCHAR(64), timestamps BIGINT microseconds, JSON TEXT, booleans BOOLEAN (SQLite stores
 * 0/1). The one dialect difference kysely's schema builder cannot hide is an auto-increment key.
 * @module
 */
import { type ColumnDefinitionBuilder, type CreateTableBuilder, type Kysely, sql } from 'kysely'
import type { StoreDialect } from '../database_types.ts'

/** Migrations must not depend on today's `Schema`; they see an untyped database. */
export type MigrationDb = Kysely<unknown>

export interface BatonMigration {
  up(db: MigrationDb): Promise<void>
  down(db: MigrationDb): Promise<void>
}

export type MigrationFactory = (dialect: StoreDialect) => BatonMigration

export const ID = 'varchar(64)'
export const MICROS = 'bigint'

/** Integer surrogate key: `serial` on PostgreSQL, `integer primary key autoincrement` on SQLite. */
export function withAutoId<T extends string>(
  table: CreateTableBuilder<T, never>,
  dialect: StoreDialect,
): CreateTableBuilder<T, 'id'> {
  return dialect === 'postgres'
    ? table.addColumn('id', 'serial', (c) => c.primaryKey())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
}

export function notNull(c: ColumnDefinitionBuilder): ColumnDefinitionBuilder {
  return c.notNull()
}

/**
 * `extra`/`options` JSON columns. The default is written as an expression, `('{}')`: MySQL 8
 * refuses a literal default on a TEXT column but takes an expression one (8.0.13+); SQLite,
 * PostgreSQL and MariaDB read both alike.
 */
export function jsonText(c: ColumnDefinitionBuilder): ColumnDefinitionBuilder {
  return c.notNull().defaultTo(sql`('{}')`)
}
