/**
 * The MySQL/MariaDB store (issue 16): a mysql2 pool behind kysely's MysqlDialect, set up so the
 * store behaves as it does on PostgreSQL:
 * - every connection talks utf8mb4 with the binary collation, so comparisons of names and ids are
 *   case- and accent-sensitive as on PostgreSQL (the tables are utf8mb4_bin too, see
 *   migrations/mysql_tables.ts);
 * - READ COMMITTED, PostgreSQL's default: each statement sees what committed before it, and a
 *   writer waits on InnoDB's row locks (never GET_LOCK, which Galera does not replicate);
 * - strict SQL mode: a value too long for its column is an error, never silently truncated;
 * - DECIMAL answers as JS numbers, BIGINT (microsecond timestamps) as numbers below 2^53.
 * Deadlocks, lock wait timeouts and Galera certification failures become `DatabaseBusy`
 * (store_errors.ts); whole transactions are retried on them (transaction_retry.ts).
 * @module
 */
import type { EventEmitter } from 'node:events'
import { CompiledQuery, Kysely } from 'kysely'
import { createPool } from 'mysql2'
import type { MysqlTarget } from './connection_url.ts'
import type { OpenDatabaseOptions, StoreDatabase } from './database_types.ts'
import { LockAwareMysqlDialect } from './lock_aware_driver.ts'
import type { Schema } from './schema.ts'

const SESSION_SETUP = [
  'set session transaction isolation level read committed',
  "set session sql_mode = 'STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'",
]

export function openMysql(target: MysqlTarget, options: OpenDatabaseOptions): StoreDatabase {
  const pool = createPool({
    ...(target.socketPath === undefined
      ? { host: target.host, port: target.port }
      : { socketPath: target.socketPath }),
    user: target.user,
    password: target.password,
    database: target.database,
    charset: 'UTF8MB4_BIN',
    connectionLimit: options.poolMax ?? 10,
    // mysql2 has no maximum connection age; closing connections idle for connection_recycle_time
    // seconds is the nearest it offers (the server's wait_timeout never finds a stale one).
    idleTimeout: (options.connectionRecycleTime ?? 3600) * 1000,
    maxIdle: options.poolMax ?? 10,
    enableKeepAlive: true,
    decimalNumbers: true,
    supportBigNumbers: false,
  })
  // Should an idle connection's loss ever surface on the pool as 'error', it must not crash the
  // process: the pool drops that connection and the next query opens a fresh one.
  ;(pool as EventEmitter).on('error', () => {})
  const db = new Kysely<Schema>({
    dialect: new LockAwareMysqlDialect({
      pool,
      async onCreateConnection(connection) {
        for (const statement of SESSION_SETUP) {
          await connection.executeQuery(CompiledQuery.raw(statement))
        }
      },
    }),
  })
  return { db, dialect: 'mysql', close: () => db.destroy() }
}
