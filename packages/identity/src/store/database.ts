/**
 * Opens the identity database named by `[database] connection`: better-sqlite3 (WAL, foreign keys,
 * busy timeout), a pg Pool or a mysql2 Pool (MySQL/MariaDB, see mysql_connection.ts), behind one
 * `Kysely<Schema>` whose transactions take their locks as lock_aware_driver.ts says.
 * @module
 */
import Database from 'better-sqlite3'
import { Kysely } from 'kysely'
import pg from 'pg'
import { StoreConfigError } from '../errors.ts'
import { parseConnectionUrl } from './connection_url.ts'
import type { OpenDatabaseOptions, StoreDatabase } from './database_types.ts'
import { LockAwarePostgresDialect, LockAwareSqliteDialect } from './lock_aware_driver.ts'
import { openMysql } from './mysql_connection.ts'
import type { Schema } from './schema.ts'
import { SqliteBooleanPlugin } from './sqlite_booleans.ts'
import { withStatementCache } from './sqlite_statements.ts'

export type {
  OpenDatabaseOptions,
  SqliteHandle,
  StoreDatabase,
  StoreDialect,
} from './database_types.ts'

const PG_INT8_OID = 20

/**
 * @example
 * const store = openDatabase('sqlite:////var/lib/baton/keystone.db')
 * await migrateToLatest(store)
 */
export function openDatabase(url: string, options: OpenDatabaseOptions = {}): StoreDatabase {
  const target = parseConnectionUrl(url, options.cwd)
  if (target.dialect === 'sqlite') return openSqlite(target.filename, options)
  if (target.dialect === 'mysql') return openMysql(target.mysql, options)
  return openPostgres(target.connectionString, options)
}

function openSqlite(filename: string, options: OpenDatabaseOptions): StoreDatabase {
  let sqlite: Database.Database
  try {
    sqlite = new Database(filename)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new StoreConfigError(`cannot open SQLite database ${filename}: ${reason}`, {
      cause: error,
    })
  }
  // WAL lets readers run beside the single writer; it is a no-op for :memory:.
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`)
  const cached = withStatementCache(sqlite)
  const db = new Kysely<Schema>({
    dialect: new LockAwareSqliteDialect({ database: cached }),
    plugins: [new SqliteBooleanPlugin()],
  })
  return {
    db,
    dialect: 'sqlite',
    sqlite: { connection: sqlite, writes: cached.writes },
    close: () => db.destroy(),
  }
}

function openPostgres(connectionString: string, options: OpenDatabaseOptions): StoreDatabase {
  const pool = new pg.Pool({
    connectionString,
    max: options.poolMax ?? 10,
    // BIGINT (timestamps in microseconds, COUNT(*)) as JS numbers, like better-sqlite3 returns
    // them; set on this pool only, not on pg's process-wide parser table.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === PG_INT8_OID && format !== 'binary'
          ? parseInt8
          : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
    },
  })
  // An idle client losing its server emits 'error' on the pool, which would crash the process if
  // unheard; the pool drops that client and the next query opens a fresh one.
  pool.on('error', () => {})
  const db = new Kysely<Schema>({ dialect: new LockAwarePostgresDialect({ pool }) })
  return { db, dialect: 'postgres', close: () => db.destroy() }
}

function parseInt8(text: string): number {
  const value = Number(text)
  if (!Number.isSafeInteger(value)) throw new RangeError(`BIGINT ${text} exceeds 2^53`)
  return value
}
