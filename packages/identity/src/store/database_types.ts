/**
 * The shapes of an opened identity database, apart from the code that opens one (database.ts)
 * so the dialect modules it calls (mysql_connection.ts, transaction_retry.ts) can name them
 * without importing it back.
 * @module
 */
import type Database from 'better-sqlite3'
import type { Kysely } from 'kysely'
import type { Schema } from './schema.ts'

export type StoreDialect = 'sqlite' | 'postgres' | 'mysql'

export interface SqliteHandle {
  readonly connection: Database.Database
  /** Writing statements run through `db` so far (see sqlite_statements.ts). */
  writes(): number
}

export interface StoreDatabase {
  readonly db: Kysely<Schema>
  readonly dialect: StoreDialect
  /** SQLite only: the connection under `db`, for the reads that skip the query builder. */
  readonly sqlite?: SqliteHandle
  /** Ends the pool or closes the SQLite file; the object is unusable afterwards. */
  close(): Promise<void>
}

export interface OpenDatabaseOptions {
  /** Base for relative `sqlite:///path` URLs (SQLAlchemy uses the process' working directory). */
  readonly cwd?: string
  /** How long SQLite waits on a lock held by another process before SQLITE_BUSY. */
  readonly busyTimeoutMs?: number
  /** PostgreSQL and MySQL pool size (`[database] max_pool_size`). */
  readonly poolMax?: number
  /** MySQL: seconds after which an idle pooled connection is closed (`connection_recycle_time`). */
  readonly connectionRecycleTime?: number
}
